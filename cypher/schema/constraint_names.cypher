// The names of the store's constraints: the migration (store/migration.py) looks for the
// global ones of a store made before networks.
SHOW CONSTRAINTS YIELD name
RETURN name
