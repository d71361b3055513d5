"""Staff manage articles and prompts. Answers are deliberately not
registered: no admin screen may show answer text (P1)."""

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
