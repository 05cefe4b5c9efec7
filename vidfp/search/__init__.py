"""Query a catalog with clips: ranked catalog videos with similarity and matched moments."""

from vidfp.search.engine import Moment, QueryResult, SearchHit, SearchIndex, search
from vidfp.search.settings import CatalogUnreadable, IncompatibleQuery

__all__ = ["CatalogUnreadable", "IncompatibleQuery", "Moment", "QueryResult", "SearchHit", "SearchIndex", "search"]
