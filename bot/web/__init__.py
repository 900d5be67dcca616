"""The public site and open data (``kuzet web``): server-rendered pages in five languages, a JSON API, an Atom
feed, downloads and the evidence chain's files, read-only from the bot's database."""

from bot.web.app import build_web_app, site_served

__all__ = ["build_web_app", "site_served"]
