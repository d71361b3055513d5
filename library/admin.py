"""Staff manage articles and prompts. Answers are deliberately not
registered: no admin screen may show answer text (P1). Nor is an article
a couple brought themselves: its link, its details and the partner's "why
this one?" are theirs, as their answers are (DESIGN.md)."""

from django.contrib import admin

from .models import Article, Prompt


class PromptInline(admin.StackedInline):
    model = Prompt
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "visibility", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PromptInline]

    def get_queryset(self, request):
        # Every admin view of an article (list, change, delete, history)
        # starts here, so a couple's own is not found by any of them.
        return super().get_queryset(request).filter(couple__isnull=True)
