// Renew the lease of the staged import under $key (its importer is alive).
MATCH (s:Network:Staging {key: $key})
SET s.heartbeat = datetime()
RETURN count(s) AS renewed
