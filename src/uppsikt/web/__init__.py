"""Server-rendered pages shared by the apps, in Swedish by default: layout, log-in, dashboard."""
