"""Accounts and teams: who may see what. Every stored object belongs to a team."""
