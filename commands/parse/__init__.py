"""Reading `/ready` text: `text.parse` finds the verb and hands the rest to its parser
(declared with the verb in commands.verbs); `words` holds what verbs share (people,
priorities, scenarios, dates, timezones, quoting)."""
