"""Microsoft Teams connector (Bot Framework) and the Teams app package (manifest + icons)."""

from channels.teams.connector import TeamsConnection, TeamsInput, TeamsSettings, send_proactive
from channels.teams.output import TeamsOutput

__all__ = ["TeamsConnection", "TeamsInput", "TeamsOutput", "TeamsSettings", "send_proactive"]
