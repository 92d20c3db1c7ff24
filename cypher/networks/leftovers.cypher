// Keys whose entities are to be deleted: retired networks, and staged imports with their
// lease (host, pid, heartbeat age in seconds) for services/networks.py to tell the
// aborted ones from those still running.
MATCH (net:Network)
WHERE net:Retired OR net:Staging
RETURN net.key AS key, net:Retired AS retired, net.host AS host, net.pid AS pid,
       duration.inSeconds(coalesce(net.heartbeat, net.retired, datetime()), datetime()).seconds
         AS idle_seconds
