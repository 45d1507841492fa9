"""Teacher marking's addresses: /teach/… for teachers and applicants, /moderation/teachers/…,
/moderation/reviews/… and /moderation/comments/… for moderators, and an essay's margin comments
as Web Annotations at /essays/<slug>/annotations.jsonld. Each views module lists its own."""

from .views import annotations, applications, bank, comments, reviews

app_name = "marking"

urlpatterns = [
    *applications.urlpatterns,
    *reviews.urlpatterns,
    *bank.urlpatterns,
    *comments.urlpatterns,
    *annotations.urlpatterns,
]
