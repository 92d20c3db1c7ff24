# The API service image (docker-compose.yml runs it beside neo4j:5.26.19-community).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY graph_service ./graph_service
COPY cypher ./cypher
RUN pip install --no-cache-dir -c requirements.lock .
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
# Inside the container the API listens on all interfaces; compose publishes it on
# 127.0.0.1 only. Binding beyond loopback requires API keys (GRAPH_SERVICE_API_KEYS).
CMD ["graph-service", "serve", "--host", "0.0.0.0", "--port", "8000"]
