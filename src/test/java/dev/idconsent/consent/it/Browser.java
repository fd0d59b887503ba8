package dev.idconsent.consent.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The machine's headless Chromium (Debian packages chromium and chromium-driver), driven through its own
 * chromedriver with a fresh profile: nothing is downloaded. Paths: {@code -Dit.chromium}, {@code -Dit.chromedriver}.
 */
public final class Browser implements AutoCloseable {
    private final Path profile;
    private final ChromeDriver driver;

    /** @param headers extra request headers on every request, e.g. {@code Sec-GPC: 1} */
    public Browser(Map<String, String> headers) throws Exception {
        profile = Files.createTempDirectory("idc-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("it.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile, "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("it.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        if (!headers.isEmpty()) {
            driver.executeCdpCommand("Network.enable", Map.of());
            driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", headers));
        }
    }

    public Browser() throws Exception {
        this(Map.of());
    }

    /** Files the page downloads land in {@code dir}. */
    public void downloadTo(Path dir) {
        driver.executeCdpCommand("Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", dir.toAbsolutePath().toString()));
    }

    /** Requests to URLs matching these patterns (e.g. {@code *\/consent/me/choices}) fail as if the network was down. */
    public void block(String... urlPatterns) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", java.util.List.of(urlPatterns)));
    }

    public void unblock() {
        driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", java.util.List.of()));
    }

    /** Waits until the page shows {@code text} and returns the page's text. */
    public String awaitText(String text) {
        return await().until(d -> text().contains(text) ? text() : null);
    }

    /** Waits until the element's text contains {@code text}. */
    public String awaitText(String css, String text) {
        return await().until(d -> {
            String now = find(css).getText();
            return now.contains(text) ? now : null;
        });
    }

    /** Waits until the element's text content (also of a visually hidden one, e.g. a live region) contains text. */
    public String awaitTextContent(String css, String text) {
        return await().until(d -> {
            String now = find(css).getAttribute("textContent");
            return now != null && now.contains(text) ? now : null;
        });
    }

    /** The WCAG rules axe-core checks: WCAG 2.0, 2.1 and 2.2, levels A and AA. */
    static final java.util.List<String> WCAG_AA = java.util.List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
            "wcag22aa");

    /**
     * Runs axe-core (the npm package of the account theme's build, {@code -Dit.axe} to point elsewhere) on the parts
     * of the page matching {@code include} — the plugin's own markup — and returns its WCAG 2.2 AA violations as
     * "rule: help (elements)"; none when the markup passes.
     */
    public java.util.List<String> axe(String... include) throws Exception {
        driver.executeScript(Files.readString(Path.of(System.getProperty("it.axe",
                "themes/account/node_modules/axe-core/axe.min.js"))));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Object result = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const include = arguments[0].filter(css => document.querySelector(css));"
                + "if (include.length === 0) { done(['none of ' + arguments[0] + ' is on the page']); return; }"
                + "axe.run({include: include}, {runOnly: {type: 'tag', values: arguments[1]}})"
                + ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' ('"
                + " + v.nodes.map(n => n.target.join(' ')).join(', ') + ')')))"
                + ".catch(e => done(['axe-core did not run: ' + e]));",
                java.util.List.of(include), WCAG_AA);
        java.util.List<String> violations = new java.util.ArrayList<>();
        ((java.util.List<?>) result).forEach(v -> violations.add(String.valueOf(v)));
        return violations;
    }

    /** Focuses the element and presses keys on the keyboard, as a keyboard user would. */
    public void press(String css, CharSequence... keys) {
        WebElement element = find(css);
        driver.executeScript("arguments[0].focus()", element);
        new org.openqa.selenium.interactions.Actions(driver).sendKeys(keys).perform();
    }

    public Object script(String javascript) {
        return driver.executeScript(javascript);
    }

    public void reload() {
        driver.navigate().refresh();
    }

    public void open(String url) {
        driver.get(url);
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public WebElement find(String css) {
        return await().until(d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    /** Waits up to 15 s; a page that re-renders meanwhile (stale elements) is simply asked again. */
    private WebDriverWait await() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    public boolean has(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    public String text() {
        try {
            return driver.findElement(By.tagName("body")).getText();
        } catch (org.openqa.selenium.WebDriverException e) {
            // Chromium answers so for a body read while the page is being replaced (seen in CI once): a stale body
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                throw new org.openqa.selenium.StaleElementReferenceException(e.getMessage(), e);
            }
            throw e;
        }
    }

    public void type(String css, String value) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(value);
    }

    public void click(String css) {
        await().until(d -> {
            find(css).click();
            return true;
        });
    }

    /** Waits until the browser is at a URL starting with {@code prefix} (e.g. the app's callback). */
    public String awaitUrl(String prefix) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().startsWith(prefix));
        return driver.getCurrentUrl();
    }

    /** A picture of the page in the test log directory ({@code <name>.png}), for reading after a failure. */
    public void snapshot(String name) throws Exception {
        Path file = Path.of(System.getProperty("it.log.dir", "target/it-logs"), name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    @Override
    public void close() throws Exception {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
