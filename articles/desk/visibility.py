"""Reads: which stories a person sees on the desk: an editor every one, a writer their own and whatever readers see now.

One rule for every admin page that shows an article — the list, its search and autocomplete, the change form,
history and compare, corrections, the review and lock endpoints, the dashboard. For a writer, a colleague's draft
or embargoed story is an article that does not exist: never its title, never a hint that it is there.
"""

from articles.models import Article, ArticleQuerySet


def sees_every_article(user) -> bool:
    # "articles.publish_article" is `articles.publishing.can_publish` (a write module; reads do not import those).
    return user.has_perm("articles.publish_article")


def articles_visible_to(user, articles: ArticleQuerySet | None = None) -> ArticleQuerySet:
    """`articles` (default: every one not in the trash) narrowed to those `user` may see."""
    articles = Article.objects.not_in_trash() if articles is None else articles
    if sees_every_article(user):
        return articles
    return articles.published() | articles.filter(author_id=user.pk)


def article_visible_to(user, article: Article) -> bool:
    """`articles_visible_to` for one article already loaded (as `Article.is_published` is `published()`)."""
    if article.trashed_at is not None:
        return False
    own = article.author_id is not None and article.author_id == user.pk
    return own or article.is_published or sees_every_article(user)
