"""Prompt versions and tags (001), the prompt library with agents (002), dynamic prompting (004)."""

from prompts.models.dynamic import Character, PromptLog, PromptRule, PromptTemplate
from prompts.models.library import Agent, AgentPrompt, Prompt
from prompts.models.versions import PromptTag, PromptVersion, PromptVersionTag

__all__ = [
    "Agent", "AgentPrompt", "Character", "Prompt", "PromptLog", "PromptRule", "PromptTag",
    "PromptTemplate", "PromptVersion", "PromptVersionTag",
]
