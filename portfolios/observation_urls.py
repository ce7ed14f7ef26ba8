from django.urls import path

from . import observation_views as views

app_name = "observations"

urlpatterns = [
    path("", views.written, name="written"),
    path("write/", views.choose, name="choose"),
    path("write/<str:basis>/", views.write, name="write"),
    path("of-my-practice/", views.mine, name="mine"),
    path("<uuid:observation>/", views.detail, name="detail"),
    path("<uuid:observation>/reflect/", views.reflect, name="reflect"),
    path("<uuid:observation>/amend/", views.amend, name="amend"),
]
