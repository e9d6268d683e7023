from rest_framework.routers import SimpleRouter

from .views import ChannelViewSet, PublicChannelViewSet

router = SimpleRouter()
router.register("channels", ChannelViewSet, basename="channel")
router.register("public/channels", PublicChannelViewSet, basename="public-channel")
urlpatterns = router.urls
