// Name the entities written under $key by the offline importer (store/offline_import.py)
// as the network $network, in one step: until this runs, no Network node points at the
// key, so a failure in between leaves them invisible, and the next import or delete purges
// them (networks/leftovers). The offline importer loads only into an empty store, so the
// name is new.
CREATE (net:Network {name: $network, key: $key, created: datetime()})
RETURN net.key AS key
