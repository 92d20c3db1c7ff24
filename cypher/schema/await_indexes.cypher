// Wait until every index is online (those the schema creates after an offline import are
// filled in the background); fails after $seconds.
CALL db.awaitIndexes($seconds)
