"""Twofold's own library entries. Summaries and prompts are written by us
from the source, which is credited and linked, never copied."""

from django.db import transaction

from .models import Article, Prompt, PromptKind

LIBRARY = [
    {
        "slug": "closeness-then-distance",
        "title": "Closeness, then distance",
        "source_title": "Why do guys distance themselves after intimacy?",
        "source_name": "Ecstatic Intimacy",
        "source_url": "https://ecstaticintimacy.com/why-do-guys-distance-themselves-after-intimacy/",
        "summary": (
            "Many couples know this pattern: a moment of real closeness, physical or emotional, "
            "and soon afterwards one partner needs room. The one left waiting often takes it "
            "personally. The article argues that it is usually nothing of the kind.\n\n"
            "Its reasoning: true intimacy is less about bodies than about being seen, open and "
            "unguarded. For a partner whose way of loving leans towards independence, that much "
            "openness is a lot, and stepping back afterwards is how they find their own footing "
            "again, so that they can come back whole. The author describes this with two energies "
            "called masculine and feminine: one reaches tenderness through physical closeness, the "
            "other reaches physical closeness through tenderness. Anyone can carry either, whatever "
            "their gender. The same pulling back can follow a deep conversation, a wonderful day "
            "together or making up after an argument.\n\n"
            "The piece asks couples to make the pattern conscious. The partner who retreats can "
            "explain it rather than feel guilty or faulty; the partner who stays close can read "
            "the space as part of loving, not as rejection. Our questions invite you both to look "
            "at how reaching and retreating play out between the two of you."
        ),
        "prompts": [
            {
                "kind": PromptKind.TEXT,
                "text": "Think of a recent time you felt especially close to each other. "
                "What happened, and how did the hours or days afterwards feel to you?",
            },
            {
                "kind": PromptKind.SCALE,
                "text": "After a stretch of real closeness, how strongly do you want some time and space to yourself?",
                "scale_min_label": "Hardly at all",
                "scale_max_label": "Very strongly",
            },
            {
                "kind": PromptKind.SCALE,
                "text": "When your partner takes some space after you have been close, how easy "
                "is it for you to feel secure rather than pushed away?",
                "scale_min_label": "Very hard",
                "scale_max_label": "Very easy",
            },
            {
                "kind": PromptKind.TEXT,
                "text": "Apart from sex and touch, what makes you feel intimate with your partner? "
                "Describe a moment that felt close in another way.",
            },
            {
                "kind": PromptKind.SCALE,
                "text": "How openly do the two of you talk about needing closeness or needing room?",
                "scale_min_label": "We never talk about it",
                "scale_max_label": "We talk about it easily",
            },
            {
                "kind": PromptKind.TEXT,
                "text": "When one of you pulls back, what story do you tend to tell yourself about "
                "it? What would you like your partner to know in that moment?",
            },
            {
                "kind": PromptKind.TEXT,
                "text": "What is one small thing you would like to try the next time closeness "
                "is followed by distance?",
            },
        ],
    },
]


def library_load():
    """Create or update Twofold's own articles. Safe to run again: prompts
    are only written for an article that has none, so reflections already
    started keep their snapshot anyway."""
    articles = []
    with transaction.atomic():
        for entry in LIBRARY:
            fields = {k: v for k, v in entry.items() if k not in {"slug", "prompts"}}
            article, _ = Article.objects.update_or_create(
                slug=entry["slug"],
                defaults={
                    **fields,
                    "status": Article.Status.PUBLISHED,
                    "visibility": Article.Visibility.PUBLIC,
                },
            )
            if not article.prompts.exists():
                Prompt.objects.bulk_create(
                    Prompt(article=article, order=i, **prompt) for i, prompt in enumerate(entry["prompts"], 1)
                )
            articles.append(article)
    return articles
