# The production image: one image for the web processes, the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (invoice PDFs) needs Pango and HarfBuzz and a font; document extraction
# needs Tesseract for scans and Poppler to turn PDF pages into images.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
        tesseract-ocr poppler-utils \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --shell /usr/sbin/nologin billing

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image (served by WhiteNoise). The settings refuse
# to load without a real secret when DEBUG is off, so the build uses a throwaway one;
# nothing signed at build time is kept.
RUN DEBUG=false SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown billing:billing /app/media

USER billing
EXPOSE 8000

# The web processes; docker-compose.yml runs the worker, beat and migrations from this image too.

CMD ["uvicorn", "billing.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off", "--ws-per-message-deflate", "false", "--no-proxy-headers", "--log-config", "billing/uvicorn_logging.json"]
