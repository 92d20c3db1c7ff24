// Publish the staged import under $key as the network $network, in ONE transaction: the
// network that had the name (if any) is retired (see networks/retire_network) and the
// staging node takes the name, so every entity of the import becomes visible at once and
// the old ones vanish at once. Without $replace the network must still be empty (another
// import may have filled it meanwhile): then no row, and nothing changes. Returns the
// retired key (null when the name was new).
MATCH (s:Network:Staging {key: $key})
OPTIONAL MATCH (old:Network {name: $network})
WHERE NOT old:Staging AND NOT old:Retired
WITH s, old
WHERE $replace OR old IS NULL OR NOT EXISTS { MATCH (:Entity {network: old.key}) }
FOREACH (o IN CASE WHEN old IS NULL THEN [] ELSE [old] END |
  SET o:Retired, o.name = '~retired-' + o.key, o.retired = datetime())
SET s.name = $network, s.created = datetime()
REMOVE s:Staging, s.target, s.host, s.pid, s.started, s.heartbeat
RETURN old.key AS retired
