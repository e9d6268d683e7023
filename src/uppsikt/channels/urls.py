from django.urls import path

from . import views

app_name = "channels"
urlpatterns = [
    path("kanaler", views.public_list, name="public"),
    path("kanaler.json", views.public_list_json, name="public_json"),
    path("kanalregister/", views.register, name="register"),
    path("kanalregister/ny/", views.propose, name="propose"),
    path("kanalregister/<slug:slug>/", views.detail, name="detail"),
    path("kanalregister/<slug:slug>/uppgifter/", views.update, name="update"),
    path("kanalregister/<slug:slug>/checklista/", views.checklist, name="checklist"),
    path("kanalregister/<slug:slug>/checklista/klar/", views.complete_checklist, name="complete_checklist"),
    path("kanalregister/<slug:slug>/godkann/", views.approve, name="approve"),
    path("kanalregister/<slug:slug>/avsla/", views.reject, name="reject"),
    path("kanalregister/<slug:slug>/aktivera/", views.activate, name="activate"),
    path("kanalregister/<slug:slug>/avsluta/", views.start_closing, name="start_closing"),
    path("kanalregister/<slug:slug>/stang/", views.close, name="close"),
    path("kanalregister/<slug:slug>/redaktorer/", views.add_member, name="add_member"),
    path("kanalregister/<slug:slug>/redaktorer/<int:member_id>/ta-bort/", views.remove_member, name="remove_member"),
    path("kanalregister/<slug:slug>/inloggning/", views.add_custody, name="add_custody"),
    path("kanalregister/<slug:slug>/inloggning/<int:custody_id>/bytt/", views.rotate_custody, name="rotate_custody"),
    path("kanalregister/<slug:slug>/redaktorer/<int:member_id>/talesperson/", views.task_speaker, name="task_speaker"),
    path("kanalregister/<slug:slug>/profil/", views.profile, name="profile"),
]
