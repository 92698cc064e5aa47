package org.geminipool.gateway.console.rest;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import org.geminipool.gateway.console.service.Views;

/** The console's Qute templates (src/main/resources/templates/console/*.html; HTML-escaped by default). */
@CheckedTemplate(basePath = "console", requireTypeSafeExpressions = false)
public final class Templates {

    private Templates() {
    }

    public static native TemplateInstance login(String error, boolean configured);

    public static native TemplateInstance message(Views.Chrome chrome, String heading, String text, String back);

    public static native TemplateInstance overview(Views.Chrome chrome, Views.Overview view);

    public static native TemplateInstance keys(Views.Chrome chrome, Views.Keys view);

    public static native TemplateInstance confirm(Views.Chrome chrome, Views.Confirm view);

    public static native TemplateInstance usage(Views.Chrome chrome, Views.Usage view);

    public static native TemplateInstance routes(Views.Chrome chrome, Views.Routes view);

    public static native TemplateInstance limits(Views.Chrome chrome,
                                                 org.geminipool.gateway.console.client.AdminModels.LimitsTable view);

    public static native TemplateInstance objects(Views.Chrome chrome, Views.Objects view);
}
