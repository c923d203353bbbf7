"""Prompt versions and tags, the prompt library with agents, dynamic prompting (templates, rules, characters,
model parameters), prompt logs, and labels on versions and templates."""

from prompts.models.dynamic import Character, PromptLog, PromptRule, PromptTemplate
from prompts.models.labels import PromptLabel, PromptLabelMove
from prompts.models.library import Agent, AgentPrompt, Prompt
from prompts.models.parameters import ModelParameters
from prompts.models.policy import BlockedTerm
from prompts.models.tiers import UserTierAssignment
from prompts.models.versions import PromptTag, PromptVersion, PromptVersionTag

__all__ = [
    "Agent", "AgentPrompt", "BlockedTerm", "Character", "ModelParameters", "Prompt", "PromptLabel", "PromptLabelMove",
    "PromptLog", "PromptRule", "PromptTag", "PromptTemplate", "PromptVersion", "PromptVersionTag",
    "UserTierAssignment",
]
