// The network $network (the default one), created with the key $new_key when it does not
// exist; its key. The migration (store/migration.py) moves a store made before networks
// into it.
MERGE (net:Network {name: $network})
  ON CREATE SET net.key = $new_key, net.created = datetime()
RETURN net.key AS key
