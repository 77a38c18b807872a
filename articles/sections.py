"""The section tree, cached: breadcrumbs, menus and "this section and everything below it" without queries.

Kept apart from the selectors so that the ranking (which the selectors use) can filter by section too.
"""

from django.core.cache import cache

from articles.models import Category

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


def category_descendant_ids(category_id: int) -> set[int]:
    """The category and every section below it (from the cached tree: no query)."""
    tree = category_tree()
    return {c.pk for c in tree.values() if any(a.pk == category_id for a in c.path())} | {category_id}
