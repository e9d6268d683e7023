"""Server-rendered Swedish pages shared by the apps: layout, log-in, dashboard."""
