"""Teacher marking's addresses: /teach/… for teachers and applicants, /moderation/teachers/… and
/moderation/reviews/… for moderators. Each views module lists its own."""

from .views import applications, bank, reviews

app_name = "marking"

urlpatterns = [*applications.urlpatterns, *reviews.urlpatterns, *bank.urlpatterns]
