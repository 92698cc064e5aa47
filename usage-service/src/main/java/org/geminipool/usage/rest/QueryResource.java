package org.geminipool.usage.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.usage.service.RetentionService;
import org.geminipool.usage.service.UsageQueryService;

import java.util.Locale;
import java.util.function.Function;

/**
 * Usage queries (admin token). JSON by default; CSV with {@code Accept: text/csv} (or {@code ?format=csv}).
 */
@Path("/usage")
@AdminAuth
public class QueryResource {

    static final String TEXT_CSV = "text/csv";

    @Inject
    UsageQueryService queries;

    @Inject
    RetentionService retention;

    @GET
    @Path("/daily")
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV})
    public Uni<Response> daily(@QueryParam("date") String date, @QueryParam("keyId") String keyId,
                               @QueryParam("model") String model, @HeaderParam(HttpHeaders.ACCEPT) String accept,
                               @QueryParam("format") String format) {
        return queries.daily(date, keyId, model)
                .map(answer(accept, format, Csv::daily, r -> "usage-daily-" + r.date()));
    }

    @GET
    @Path("/clients")
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV})
    public Uni<Response> clients(@QueryParam("date") String date, @HeaderParam(HttpHeaders.ACCEPT) String accept,
                                 @QueryParam("format") String format) {
        return queries.clients(date).map(answer(accept, format, Csv::clients, r -> "usage-clients-" + r.date()));
    }

    @GET
    @Path("/summary")
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV})
    public Uni<Response> summary(@QueryParam("from") String from, @QueryParam("to") String to,
                                 @HeaderParam(HttpHeaders.ACCEPT) String accept, @QueryParam("format") String format) {
        return queries.summary(from, to)
                .map(answer(accept, format, Csv::summary, r -> "usage-summary-" + r.from() + "-to-" + r.to()));
    }

    @GET
    @Path("/hourly")
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV})
    public Uni<Response> hourly(@QueryParam("hours") String hours, @QueryParam("until") String until,
                                @HeaderParam(HttpHeaders.ACCEPT) String accept, @QueryParam("format") String format) {
        return queries.hourly(hours, until).map(answer(accept, format, Csv::hourly,
                r -> "usage-hourly-" + r.from().toString().replace(":", "") + "-" + r.hours() + "h"));
    }

    @GET
    @Path("/routes")
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV})
    public Uni<Response> routes(@QueryParam("date") String date, @HeaderParam(HttpHeaders.ACCEPT) String accept,
                                @QueryParam("format") String format) {
        return queries.routes(date).map(answer(accept, format, Csv::routes, r -> "usage-routes-" + r.date()));
    }

    /** Runs the retention job now (it also runs on its schedule). */
    @POST
    @Path("/prune")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RetentionService.PruneResult> prune() {
        return retention.prune();
    }

    private static <T> Function<T, Response> answer(String accept, String format, Function<T, String> csv,
                                                    Function<T, String> fileName) {
        return report -> wantsCsv(accept, format)
                ? Response.ok(csv.apply(report), TEXT_CSV + "; charset=UTF-8")
                        .header("Content-Disposition", "attachment; filename=\"" + fileName.apply(report) + ".csv\"")
                        .build()
                : Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
    }

    static boolean wantsCsv(String accept, String format) {
        if (format != null && !format.isBlank()) {
            return format.trim().equalsIgnoreCase("csv");
        }
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(TEXT_CSV);
    }
}
