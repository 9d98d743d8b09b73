# The pipeline image: what Argo Workflows steps run (the project CLI, DVC, git). The serving
# image is built separately from the Dockerfile that `bentoml build` generates.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY=1 \
    DVC_NO_ANALYTICS=1 \
    PATH=/app/.venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends git=1:2.39.* make=4.3-* curl=7.88.* \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.9.5 \
    && useradd --create-home --uid 10001 fraudops

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
RUN uv sync --locked --no-dev && chown -R fraudops /app

USER 10001
ENTRYPOINT ["python", "-m", "fraudops"]
CMD ["--help"]
