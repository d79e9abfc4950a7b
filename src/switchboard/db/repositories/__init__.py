"""Repositories: query helpers over an AsyncSession; they never commit."""
