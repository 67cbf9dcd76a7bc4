# The API image for users' machines (docker-compose.yml), with the web console in /app/wwwroot (served at /) and the
# ThingSpeak simulator beside it in /app/simulator (the compose file's demo profile runs it). Build context: the
# repository root.
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY src/Web/package.json src/Web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src/Web/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Api/EvaraTech.Api.csproj -c Release -o /app \
 && dotnet publish tools/EvaraTech.Simulator/EvaraTech.Simulator.csproj -c Release -o /app/simulator

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY --from=web /web/dist ./wwwroot
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
# The archive's folder, owned by the API's user: a named volume mounted here starts with this owner.
RUN mkdir -p /var/lib/evaratech/archive && chown app /var/lib/evaratech/archive
USER app
ENTRYPOINT ["dotnet", "EvaraTech.Api.dll"]
