from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from .models import Essay, Level, Section, Subject


class EssaySitemap(Sitemap[Essay]):
    changefreq = "monthly"
    priority = 0.8
    limit = 10000

    def items(self) -> QuerySet[Essay]:
        return Essay.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Essay):
        return item.updated_at


class LevelSitemap(Sitemap[Level]):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> QuerySet[Level]:
        return Level.objects.all()


class SubjectSitemap(Sitemap[Subject]):
    changefreq = "daily"
    priority = 0.5

    def items(self) -> QuerySet[Subject]:
        return Subject.objects.select_related("level")


class SectionSitemap(Sitemap[Section]):
    changefreq = "daily"
    priority = 0.5

    def items(self) -> QuerySet[Section]:
        return Section.objects.select_related("subject__level")


SITEMAPS = {"essays": EssaySitemap, "levels": LevelSitemap, "subjects": SubjectSitemap, "sections": SectionSitemap}
