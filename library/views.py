"""The library's pages: its guides and articles by theme, and one article
with its questions and a way to start reflecting on it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.selectors import linked_partner_for

from .catalogue import library_for
from .models import Article


@login_required
@require_safe
def index(request):
    return render(request, "library/index.html", {"page": library_for(request.user, request.GET)})


@login_required
@require_safe
def article(request, slug):
    article = get_object_or_404(Article.objects.available_to(request.user), slug=slug)
    linked = linked_partner_for(request.user)
    couple = linked.couple if linked else None
    started = couple.reflections.filter(article=article, follow_up_of__isnull=True).first() if couple else None
    return render(
        request,
        "library/article.html",
        {"article": article, "prompts": article.prompts.all(), "couple": couple, "started": started},
    )
