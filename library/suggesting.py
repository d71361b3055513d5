"""Which bank questions suit an article a couple brought: matched to its
words and themes. Each theme's vocabulary is what Twofold's own guides and
questions on that theme say; an article that speaks the same words is
about that theme. Plain word counting, explainable, and good enough to put
a few sensible questions first; the couple chooses."""

import math
import re
from collections import Counter
from dataclasses import dataclass

from .models import Article, BankQuestion, Theme

WORD = re.compile(r"[a-z]{4,}")
# Words every theme uses, which say nothing about any of them.
COMMON = set(
    [
        "about",
        "after",
        "again",
        "also",
        "always",
        "another",
        "anything",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "could",
        "does",
        "doing",
        "done",
        "each",
        "even",
        "ever",
        "every",
        "feel",
        "feels",
        "felt",
        "from",
        "have",
        "having",
        "here",
        "into",
        "just",
        "know",
        "like",
        "look",
        "make",
        "many",
        "more",
        "most",
        "much",
        "need",
        "never",
        "often",
        "only",
        "other",
        "over",
        "partner",
        "partners",
        "really",
        "same",
        "should",
        "some",
        "something",
        "sometimes",
        "still",
        "such",
        "take",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "think",
        "this",
        "those",
        "time",
        "together",
        "very",
        "want",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "yours",
        "you’re",
        "youre",
    ]
)


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in COMMON]


@dataclass(frozen=True)
class Suggestions:
    themes: list[Theme]  # best match first
    questions: list[BankQuestion]  # suggested, best first


def _vocabularies() -> tuple[list[Theme], dict[int, Counter], list[BankQuestion]]:
    """Each theme's words, from its guides and bank questions (two queries)."""
    themes = list(Theme.objects.all())
    vocabulary = {theme.pk: Counter() for theme in themes}
    for title, summary, body, theme_id in (
        Article.objects.in_library().filter(theme__isnull=False).values_list("title", "summary", "body", "theme")
    ):
        vocabulary[theme_id].update(words(f"{title} {summary} {body}"))
    questions = list(BankQuestion.objects.select_related("theme"))
    for question in questions:
        vocabulary[question.theme_id].update(words(question.text))
    return themes, vocabulary, questions


def suggest(text: str, *, limit: int = 6) -> Suggestions:
    """Up to `limit` bank questions for an article whose words are `text`
    (its title, description and main text, or what the couple pasted):
    from the best-matching themes, a mix of kinds, the questions sharing
    the most words with the article first."""
    themes, vocabulary, questions = _vocabularies()
    article = Counter(words(text))
    if not article or not questions:
        return Suggestions([], [])
    # A word found in few themes says more than one found in all of them.
    spread = Counter(word for counts in vocabulary.values() for word in counts)
    weight = {word: math.log(1 + len(themes) / spread[word]) for word in spread}

    def theme_score(theme):
        counts = vocabulary[theme.pk]
        return sum(n * weight[w] for w, n in article.items() if w in counts)

    ranked = sorted((t for t in themes if theme_score(t) > 0), key=theme_score, reverse=True)[:2]
    if not ranked:
        return Suggestions([], [])
    best = {theme.pk for theme in ranked}

    def question_score(question):
        return sum(article[w] * weight.get(w, 0) for w in set(words(question.text)))

    candidates = sorted(
        (q for q in questions if q.theme_id in best),
        key=lambda q: (-question_score(q), [t.pk for t in ranked].index(q.theme_id), q.order),
    )
    return Suggestions(ranked, _mixed(candidates, limit))


def _mixed(questions: list[BankQuestion], limit: int) -> list[BankQuestion]:
    """The best `limit`, taking each kind in turn so that a text, a scale and
    a choice question all come early."""
    by_kind = {}
    for question in questions:
        by_kind.setdefault(question.kind, []).append(question)
    chosen = []
    while len(chosen) < limit and any(by_kind.values()):
        for kind in ("text", "scale", "choice"):
            if by_kind.get(kind) and len(chosen) < limit:
                chosen.append(by_kind[kind].pop(0))
    return chosen
