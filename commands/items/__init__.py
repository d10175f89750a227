"""Checklist items: finding them (`find`), changing them through one table-driven path
(`change`), adding (`add`), listing (`listing`), their history (`history`), removing them
(`remove`)."""
