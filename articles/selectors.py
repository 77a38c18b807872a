"""Reads for reader pages. Each returns data at a fixed query cost, whatever the data size."""

from django.core.cache import cache

from articles.models import Article, Category

CATEGORY_TREE_KEY = "articles:category-tree:v1"


def category_tree() -> dict[int, Category]:
    """Every category by id, with `parent` already attached: one cached query for all breadcrumbs."""
    tree = cache.get(CATEGORY_TREE_KEY)
    if tree is None:
        categories = list(Category.objects.all())
        tree = {c.pk: c for c in categories}
        for c in categories:
            # Attach parents from the same list so walking the path never queries.
            c.parent = tree.get(c.parent_id)
        cache.set(CATEGORY_TREE_KEY, tree, 300)
    return tree


def category_path(category_id: int) -> list[Category]:
    category = category_tree().get(category_id)
    return category.path() if category else []


def main_sections() -> list[Category]:
    return [c for c in category_tree().values() if c.parent_id is None]


def latest_articles(*, category: Category | None = None):
    articles = Article.objects.published().select_related("category")
    if category is not None:
        articles = articles.filter(category=category)
    return articles
