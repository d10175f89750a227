"""The packaged digest and reminder templates (`*.j2`, shipped as package data) and, for
callers, the loader: `load_templates(override_dir) -> Templates` (see `templating`)."""

from bot.render.digest.templating import Mrkdwn, Templates, load_templates

__all__ = ["Mrkdwn", "Templates", "load_templates"]
