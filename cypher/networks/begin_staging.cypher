// Start a staged import (services/networks.py): a Network node that is not visible (the
// label Staging, a name no user can ask for) under the fresh key $key, with a lease: the
// host and process id of the importer, and a heartbeat it renews. Its entities are
// written under $key by the ordinary upserts (bound to the name $staging_name), then
// published in one step (networks/publish_staging).
CREATE (s:Network:Staging {name: $staging_name, key: $key, target: $network,
                           host: $host, pid: $pid, started: datetime(), heartbeat: datetime()})
RETURN s.key AS key
