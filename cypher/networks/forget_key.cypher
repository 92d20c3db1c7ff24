// Drop the Network node of a retired network or an aborted staging under $key once its
// entities are gone (graph/delete_*_batch ran until none was left). Idempotent.
MATCH (net:Network {key: $key})
WHERE net:Retired OR net:Staging
DELETE net
RETURN count(*) AS deleted
