from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

urlpatterns = [
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="kokai/login.html", redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", views.years, name="years"),
    path("<str:lg_code>/<int:year>/", views.statements, name="statements"),
    # the deliverables, generated per request (login required like every page)
    path("<str:lg_code>/<int:year>/book.xlsx", views.book_xlsx, name="book_xlsx"),
    path("<str:lg_code>/<int:year>/book.pdf", views.book_pdf, name="book_pdf"),
    path(
        "<str:lg_code>/<int:year>/verification.xlsx",
        views.verification_xlsx,
        name="verification_xlsx",
    ),
]
