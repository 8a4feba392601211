#!/bin/sh
# Registers the Debezium connectors of deploy/debezium with a Kafka Connect worker, filling in the
# ${...} placeholders from the environment. Idempotent: PUT replaces a connector's configuration.
set -eu
CONNECT_URL="${CONNECT_URL:-http://connect:8083}"
until curl -fs "$CONNECT_URL/connectors" >/dev/null; do sleep 2; done
for file in /connectors/*.properties; do
  name=$(basename "$file" .properties)
  json=$(grep -v '^#' "$file" | grep '=' \
    | sed -e "s|\${DB_HOST}|$DB_HOST|" -e "s|\${DB_PORT}|$DB_PORT|" -e "s|\${DB_NAME}|$DB_NAME|" \
          -e "s|\${CDC_USER}|$CDC_USER|" -e "s|\${CDC_PASSWORD}|$CDC_PASSWORD|" \
    | awk -F= 'BEGIN { printf "{" } { key=$1; $1=""; sub(/^ /, ""); val=substr($0, 1); gsub(/\\\\/, "\\\\", val); gsub(/"/, "\\\"", val);
               printf "%s\"%s\":\"%s\"", (NR>1 ? "," : ""), key, val } END { printf "}" }')
  curl -fsS -X PUT -H 'Content-Type: application/json' --data "$json" "$CONNECT_URL/connectors/$name/config" >/dev/null
  echo "registered $name"
done
