"""Images as a resource panel shows them: rows, detail, and Remove / Prune / Pull / Run.

Pure: no Kivy. Sizes are decimal (12.3 MB), as the docker CLI prints them.
"""

from __future__ import annotations

from typing import Any

from genet_rx.engine.commands import PruneImages, RemoveImage, human_bytes
from genet_rx.model.images import Image, ImageLayer
from genet_rx.state.engine_state import EngineState
from genet_rx.state.relations import image_users

from ..actions import Question
from ..describe import Field, when
from .base import (
    BADGE_DIM,
    BADGE_OK,
    BADGE_WARN,
    Action,
    Line,
    Section,
    Spec,
    Verb,
    container_link,
    plural,
)

NONE = "<none>"
LAYER_LINES = 40  # layers shown in the detail (an image rarely has more)


def title(image: Image) -> str:
    """The first tag, or ``<none>`` for a dangling image."""
    return image.tags[0] if image.tags else NONE


def name(image: Image) -> str:
    return image.tags[0] if image.tags else image.short_id


def line(image: Image, state: EngineState) -> Line:
    users = len(image_users(state, image.id))
    more = f" +{plural(len(image.tags) - 1, 'tag')}" if len(image.tags) > 1 else ""
    used = plural(users, "container") if users else "unused"
    subtitle = f"{image.short_id}{more} · {used}"
    if image.dangling:
        badge, color = "dangling", BADGE_WARN
    elif users:
        badge, color = "in use", BADGE_OK
    else:
        badge, color = "", BADGE_DIM
    return Line(image.id, title(image), subtitle, human_bytes(image.size), badge, color)


def sort_key(image: Image) -> tuple[Any, ...]:
    """Tagged images by tag, then dangling ones by id: stable while tags do not change."""
    return (image.dangling, title(image).lower(), image.id)


def haystack(image: Image) -> str:
    return "\n".join((*image.tags, image.short_id, *image.digests, NONE if image.dangling else ""))


def fields(image: Image, state: EngineState, now_ns: int) -> list[Field]:
    users = image_users(state, image.id)
    labels = "\n".join(f"{k}={v}" for k, v in sorted(image.labels.items()))
    rows = [
        Field("tags", "Tags", "\n".join(image.tags) or "<none> (dangling)"),
        Field("id", "ID", image.short_id, copyable=True),
        Field("size", "Size", human_bytes(image.size)),
        Field("created", "Created", when(image.created, now_ns)),
        Field("used", "Used by", plural(len(users), "container")),
        Field("digests", "Digests", "\n".join(image.digests)),
        Field("parent", "Parent", image.parent.removeprefix("sha256:")[:12]),
        Field("labels", "Labels", labels),
    ]
    return [f for f in rows if f.value]


def layer_text(layer: ImageLayer) -> str:
    """``12.3 MB  RUN apk add …`` (the step's command, shortened as the CLI does)."""
    step = " ".join(layer.created_by.replace("/bin/sh -c #(nop) ", "").split())
    step = step.removeprefix("/bin/sh -c ")
    if len(step) > 120:
        step = step[:119] + "…"
    return f"{human_bytes(layer.size):>9}   {step or '(no command)'}"


def sections(image: Image, state: EngineState, history: Any) -> list[Section]:
    users = image_users(state, image.id)
    out = [Section("users", "Containers using it", tuple(container_link(c) for c in users),
                   empty="No container uses this image.")]
    if history is None:
        out.append(Section("layers", "Layers", lines=("Loading…",)))
    elif isinstance(history, BaseException):
        out.append(Section("layers", "Layers", lines=(f"Could not read the history: {history}",)))
    else:
        layers: tuple[ImageLayer, ...] = tuple(history)
        shown = tuple(layer_text(layer) for layer in layers[:LAYER_LINES])
        rest = len(layers) - len(shown)
        more = (f"… and {plural(rest, 'more layer')}",) if rest > 0 else ()
        out.append(Section("layers", f"Layers ({len(layers)})", lines=shown + more,
                           empty="No layers."))
    return out


def actions(image: Image, state: EngineState) -> list[Action]:
    return [
        Action("run", "Run…", "primary"),
        Action("remove", "Remove", "danger"),
    ]


PANEL_ACTIONS = (
    Action("pull", "Pull…", "primary"),
    Action("prune", "Prune…"),
    Action("disk", "Disk usage"),
)


def remove_question(image: Image | None) -> Question:
    assert image is not None
    users = "" if image.dangling else f" ({', '.join(image.tags[:3])})"
    return Question(
        f"Remove {name(image)}?",
        f"The image{users} is deleted from this engine; pulling it again downloads it again.",
        "Remove",
    )


def force_helps(message: str) -> bool:
    """Would ``force`` get past this refusal? The engine's 409 says "(must be forced)" for an
    image a stopped container uses or several tags name, "(cannot be forced)" for one a
    running container uses: offering force there would only be refused again."""
    words = message.lower()
    if "cannot be forced" in words:
        return False
    return "conflict" in words or "must be forced" in words


def force_question(image: Image, message: str) -> Question:
    return Question(
        f"The engine refused to remove {name(image)}",
        f"{message}\n\nForce remove untags and deletes it even so; the stopped containers made "
        "from it keep only its id.",
        "Force remove",
    )


def prune_question(_image: Image | None) -> Question:
    return Question(
        "Prune dangling images?",
        "Images with no tag that no container uses are deleted. The space they take is "
        "reclaimed; this cannot be undone.",
        "Prune",
    )


def prune_unused_question(_image: Image | None) -> Question:
    return Question(
        "Prune every unused image?",
        "Every image no container uses, tagged or not, is deleted; you would have to pull "
        "them again.",
        "Prune unused",
    )


def removed(image: Image | None, _message: str) -> str:
    return f"Removed {name(image)}." if image is not None else ""


def pruned(_image: Image | None, message: str) -> str:
    return f"Pruned: {message}." if message else "Pruned."


VERBS: dict[str, Verb[Image]] = {
    "remove": Verb("Removing…", lambda i: RemoveImage(i.id if i else ""), remove_question,
                   force=lambda i: RemoveImage(i.id, force=True), refused=force_question,
                   force_helps=force_helps, done=removed),
    "prune_dangling": Verb("Pruning…", lambda _i: PruneImages(unused=False), prune_question,
                           done=pruned),
    "prune_unused": Verb("Pruning…", lambda _i: PruneImages(unused=True),
                         prune_unused_question, done=pruned),
}

HOOKS = {"pull": "open_pull", "run": "open_run"}

CHOICES = {
    "prune": ("Prune which images?", (
        ("prune_dangling", "Dangling images only (no tag, unused)"),
        ("prune_unused", "Every image no container uses"),
    )),
}


def chip(image: Image, state: EngineState) -> tuple[str, Any]:
    if image.dangling:
        return "dangling", BADGE_WARN
    if image_users(state, image.id):
        return "in use", BADGE_OK
    return "unused", BADGE_DIM


SPEC: Spec[Image] = Spec(
    kind="images",
    title="Images",
    noun="image",
    inspect_kind="image",
    key=lambda i: i.id,
    name=name,
    line=line,
    sort_key=sort_key,
    haystack=haystack,
    fields=fields,
    sections=sections,
    actions=actions,
    panel_actions=PANEL_ACTIONS,
    verbs=VERBS,
    hooks=HOOKS,
    choices=CHOICES,
    empty="No images.\nPull one (Pull…) and it appears here.",
    chip=chip,
)

