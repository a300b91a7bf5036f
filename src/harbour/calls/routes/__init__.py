"""Calls' pages and API: the call form and its decision (`pages`), the calls boards (`boards`,
included before `pages`: `/calls/decided` is not a call's id) and the JSON suggestion (`api`)."""
