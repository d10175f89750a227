"""Readiness assessments as markdown: repair, parse (import) and write (export). Pure, no I/O."""
