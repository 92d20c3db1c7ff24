// A throw-away node whose value fills the current transaction log past its rotation
// size: the next transaction starts a new log file, and the old one (holding erased
// values) can be pruned at the next checkpoint (store/erasure.py).
CREATE (f:ErasureFiller {filler: $filler})
RETURN elementId(f) AS filler
