// Give up the staged import under $key (it failed, or it was refused at publication):
// it becomes a retired key whose entities are deleted in batches like any other.
MATCH (s:Network:Staging {key: $key})
REMOVE s:Staging
SET s:Retired, s.name = '~retired-' + s.key, s.retired = datetime()
RETURN count(s) AS abandoned
