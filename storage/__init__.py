"""Tables, engine and sessions, migrations and queries: everything that touches the database."""
