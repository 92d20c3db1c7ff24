// The size at which the server starts a new transaction log file (e.g. "128.00KiB").
SHOW SETTINGS YIELD name, value
WHERE name = 'db.tx_log.rotation.size'
RETURN value
