# The API image for users' machines (docker-compose.yml), with the ThingSpeak simulator beside it in /app/simulator
# (the compose file's demo profile runs it). Build context: the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Api/EvaraTech.Api.csproj -c Release -o /app \
 && dotnet publish tools/EvaraTech.Simulator/EvaraTech.Simulator.csproj -c Release -o /app/simulator

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "EvaraTech.Api.dll"]
