"""The playground's chat: a conversation with the Qwen instruct model under a chat use case's template and a
character's persona. Each turn runs on the ``enhance`` worker through the resident Qwen model
(``gpu.jobs.run_playground_chat``) and is logged as a ``PromptLog`` row (``playground_chat_log``).

The library has two chat use cases: ``chat`` (the vocabulary's "Chat / roleplay / storybuilder") and
``admin_assistant``. The playground's modes chat, roleplay and storybuilder run the ``chat`` templates (pick a
template version to try a specific one); roleplay needs a character. The mode is recorded in the log's flags.
A conversation's last ``HISTORY_TURNS`` turns live in Redis for ``HISTORY_TTL_S`` after its last turn and are
sent with each turn.
"""

import json
import uuid
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from configs.selectors import model_backend_get
from generations.playground import run_on_enhance, template_entry
from generations.validation import check_prompt
from ourvidz_admin import queues
from ourvidz_admin.middleware import UNAVAILABLE
from ourvidz_admin.queues import QueueUnavailable
from prompts.choices import ModelFamily, TemplateType, UseCase
from prompts.models import Character, PromptLog, PromptTemplate
from prompts.placeholders import MissingVariables, fill, variables_check
from prompts.policy import blocked_term_in, blocked_terms
from prompts.resolution import PromptRequest, get_prompt, resolve_parameters
from prompts.snapshot import load_snapshot

CHAT_JOB = "gpu.jobs.run_playground_chat"
# Playground mode -> the library use case whose templates it runs.
CHAT_MODES = {"chat": UseCase.CHAT, "roleplay": UseCase.CHAT, "storybuilder": UseCase.CHAT,
              "admin_assistant": UseCase.ADMIN_ASSISTANT}
HISTORY_TURNS = 20
HISTORY_TTL_S = 24 * 3600
HISTORY_KEY = "ourvidz:playground:chat:{conversation_id}"
# Without a max_new_tokens layer for qwen_instruct (Model parameters), a reply is at most this long.
DEFAULT_MAX_NEW_TOKENS = 256
MAX_TIME_S = 30.0
DEFAULT_SYSTEM = "You are a helpful assistant."


@dataclass
class ChatTurn:
    """One answered turn of a playground conversation."""

    conversation_id: str
    turn: int
    mode: str
    use_case: str
    reply: str
    system_prompt: str
    template: dict | None
    character: dict | None
    history_turns: int
    input_tokens: int
    output_tokens: int
    model_ms: int
    queue_wait_ms: int
    round_trip_ms: int
    stopped_by_time: bool
    log_id: str
    warnings: list[str]

    def as_dict(self) -> dict:
        return asdict(self)


def playground_chat_turn(
    *, message: str, mode: str = "chat", template=None, character=None, conversation_id=None,
    content_mode: str = "sfw", variables: dict | None = None, user=None, wait_s: float | None = None,
) -> ChatTurn:
    """Send ``message`` (with the conversation's last turns) to the Qwen instruct model and wait for the reply.

    The system prompt is the chosen ``template`` version (else the active chat template of the mode's use case)
    with its ``{name}`` placeholders filled (``{character}`` and ``{persona}`` come from the character), then the
    character's persona. ``ValidationError`` names the field (``use_case``, ``message``, ``template``,
    ``character``, ``variables``, ``conversation_id``, ``content_mode``); ``QueueUnavailable``,
    ``PlaygroundTimeout`` and ``PlaygroundFailed`` as for the rewrite (``generations.playground``).
    """
    use_case = _check_inputs(mode=mode, template=template, character=character, content_mode=content_mode)
    message = _check_message(message, content_mode)
    variables = variables_check(variables)
    backend = model_backend_get("qwen")
    if backend is None or not backend.enabled or not backend.path:
        raise ValidationError("No model is configured for qwen; run `manage.py build_tiny_models` or set its "
                              "directory under Model Configuration → Model backends.")
    snapshot = load_snapshot()
    chosen = template_entry(template) if template is not None else _active_chat_template(snapshot, use_case,
                                                                                           content_mode)
    system_prompt = chat_system_prompt(chosen.content if chosen else "", character, variables)
    conversation_id, history = _conversation(conversation_id)
    entry = snapshot.character(str(character.pk)) if character is not None else None
    parameters, _rows = resolve_parameters(snapshot, PromptRequest(ModelFamily.QWEN_INSTRUCT, use_case,
                                                                   character_id=entry.id if entry else None), entry)
    turn = history[-1]["turn"] + 1 if history else 1
    payload = {
        "conversation_id": conversation_id, "turn": turn, "mode": mode, "use_case": use_case,
        "system_prompt": system_prompt, "message": message, "content_mode": content_mode,
        "history": [said for item in history for said in (
            {"role": "user", "content": item["user"]}, {"role": "assistant", "content": item["assistant"]})],
        "template_id": chosen.id if chosen else None, "template_version": chosen.version if chosen else None,
        "character_id": str(character.pk) if character is not None else None, "user_id": getattr(user, "pk", None),
        "max_new_tokens": int(parameters.get("max_new_tokens") or DEFAULT_MAX_NEW_TOKENS),
        "max_time_s": MAX_TIME_S, "temperature": parameters.get("temperature"), "top_p": parameters.get("top_p"),
    }
    result, round_trip_ms = run_on_enhance(CHAT_JOB, payload, wait_s=wait_s, job_timeout=backend.job_timeout_s)
    return ChatTurn(
        conversation_id=conversation_id, turn=turn, mode=mode, use_case=use_case, reply=result["reply"],
        system_prompt=system_prompt,
        template={"id": chosen.id, "name": chosen.name, "version": chosen.version} if chosen else None,
        character={"id": str(character.pk), "slug": character.slug, "name": character.name} if character else None,
        history_turns=len(history), input_tokens=result["input_tokens"], output_tokens=result["output_tokens"],
        model_ms=result["model_ms"], queue_wait_ms=result["queue_wait_ms"], round_trip_ms=round_trip_ms,
        stopped_by_time=result["stopped_by_time"], log_id=result["log_id"],
        warnings=_warnings(result, template, chosen, use_case, content_mode),
    )


def _check_message(message: str, content_mode: str) -> str:
    message = check_prompt(message, field="message")
    if term := blocked_term_in(message, blocked_terms(content_mode)):
        raise ValidationError({"message": f"The message contains “{term}”, which the content policy blocks for "
                                          f"{content_mode.upper()} chats."})
    return message


def _conversation(conversation_id) -> tuple[str, list[dict]]:
    """The conversation's id (a new one when none is given) and its last turns; an unknown id is an error."""
    if conversation_id is None:
        return str(uuid.uuid4()), []
    history = chat_history(str(conversation_id))
    if not history:
        raise ValidationError({"conversation_id": f"No conversation {conversation_id}: conversations end "
                                                  f"{HISTORY_TTL_S // 3600} h after their last turn. Leave it out "
                                                  "to start one."})
    return str(conversation_id), history


def _warnings(result: dict, template, chosen, use_case: str, content_mode: str) -> list[str]:
    warnings = [f"The reply contains “{result['blocked_term']}”, which the content policy blocks for "
                f"{content_mode.upper()} chats."] if result.get("blocked_term") else []
    if template is not None and not template.is_active:
        warnings.append(f"Template “{template}” is not active: chats use it once it is activated.")
    if chosen is None:
        warnings.append(f"No active chat template for {use_case} ({content_mode}): the system prompt is the "
                        "default one.")
    return warnings


def _check_inputs(*, mode: str, template, character, content_mode: str) -> str:
    """The library use case of ``mode``; ``ValidationError`` for a mode, template, character or content mode
    the chat cannot run."""
    if mode not in CHAT_MODES:
        raise ValidationError({"use_case": f"Unknown chat use case {mode!r}; use one of: {', '.join(CHAT_MODES)}."})
    if content_mode not in ("sfw", "nsfw"):
        raise ValidationError({"content_mode": "content_mode must be 'sfw' or 'nsfw'."})
    if template is not None and template.model_family != ModelFamily.QWEN_INSTRUCT:
        raise ValidationError({"template": f"{template} is a {template.model_family} template; chats run "
                                           f"{ModelFamily.QWEN_INSTRUCT} templates."})
    if mode == "roleplay" and character is None:
        raise ValidationError({"character": "Roleplay plays a character: choose one."})
    return CHAT_MODES[mode]


def _active_chat_template(snapshot, use_case: str, content_mode: str):
    """The active chat template of ``use_case`` (a ``chat`` template, else a ``system`` one), or None."""
    for kind in (TemplateType.CHAT, TemplateType.SYSTEM):
        entry = get_prompt(snapshot, ModelFamily.QWEN_INSTRUCT, kind, use_case=use_case, content_mode=content_mode)
        if entry is not None:
            return entry
    return None


def persona(character) -> str:
    """What the model is told about ``character``: its name, description and look."""
    parts = [f"You are {character.name}."]
    if character.description.strip():
        parts.append(character.description.strip())
    if character.base_prompt.strip():
        parts.append(f"Appearance: {character.base_prompt.strip()}.")
    return " ".join(parts)


def chat_system_prompt(template_text: str, character, variables: dict[str, str]) -> str:
    """The template's text with its placeholders filled, then the character's persona (``DEFAULT_SYSTEM`` when
    both are empty). ``{character}`` and ``{persona}`` default to the character's name and persona."""
    told = persona(character) if character is not None else ""
    defaults = {"character": character.name, "persona": told} if character is not None else {}
    try:
        text = fill(template_text, defaults | variables, where="The chat template").strip()
    except MissingVariables as exc:
        raise ValidationError({"variables": str(exc)}) from None
    if told and "{persona}" not in template_text:
        text = f"{text}\n\n{told}" if text else told
    return text or DEFAULT_SYSTEM


def chat_history(conversation_id: str) -> list[dict]:
    """The conversation's last turns, oldest first: ``{"turn", "user", "assistant"}``."""
    from redis.exceptions import RedisError

    try:
        raw = queues.connection().lrange(HISTORY_KEY.format(conversation_id=conversation_id), -HISTORY_TURNS, -1)
    except RedisError:
        raise QueueUnavailable(UNAVAILABLE) from None
    return [json.loads(item) for item in raw]


def chat_history_append(*, conversation_id: str, turn: int, message: str, reply: str) -> None:
    """Add a turn to the conversation, keep its last ``HISTORY_TURNS``, and keep it ``HISTORY_TTL_S`` longer."""
    key = HISTORY_KEY.format(conversation_id=conversation_id)
    pipe = queues.connection().pipeline()
    pipe.rpush(key, json.dumps({"turn": turn, "user": message, "assistant": reply}))
    pipe.ltrim(key, -HISTORY_TURNS, -1)
    pipe.expire(key, HISTORY_TTL_S)
    pipe.execute()


@transaction.atomic
def playground_chat_log(*, payload: dict, reply: str, input_tokens: int, output_tokens: int, model_ms: int,
                        flags: dict) -> PromptLog:
    """The ``PromptLog`` row of one chat turn (no job): message in, reply out, template, character, tokens, ms;
    the mode, conversation, turn, system prompt and ``flags`` in its flags."""
    template_id = payload["template_id"]
    if template_id and not PromptTemplate.objects.filter(pk=template_id).exists():
        template_id = None  # deleted since: the log keeps its version number and the system prompt it ran
    character_id = payload["character_id"]
    if character_id and not Character.objects.filter(pk=character_id).exists():
        character_id = None
    log = PromptLog(
        model_family=ModelFamily.QWEN_INSTRUCT, use_case=payload["use_case"], template_id=template_id,
        template_version=payload["template_version"], character_id=character_id, input_prompt=payload["message"],
        output_prompt=reply, response_time_ms=model_ms, tokens_in=input_tokens, tokens_out=output_tokens,
        flags={"playground": True, "mode": payload["mode"], "conversation_id": payload["conversation_id"],
               "turn": payload["turn"], "history_turns": len(payload["history"]) // 2,
               "system_prompt": payload["system_prompt"], "user_id": payload["user_id"], **flags},
    )
    log.full_clean()
    log.save()
    return log
