"""Browser tests of the back office in headless Chromium, against a real `docket serve --demo`.

scripts/browser-test starts the server (DOCKET_URL) with the demo users; screenshots go to screenshots/.
"""
import os
import pathlib

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("DOCKET_URL", "http://127.0.0.1:8080")
PASSWORD = "docket-demo"
SHOTS = pathlib.Path(os.environ.get("DOCKET_SCREENSHOTS", "screenshots"))
ROLES = {
    "admin": "admin", "order.desk": "order_desk", "sales": "sales", "finance": "finance",
    "warehouse": "warehouse", "production": "production", "purchasing": "purchasing",
    "logistics": "logistics", "order.manager": "order_manager", "service": "customer_service",
}


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(argument)
    # A browser set up for Chinese, as our users' are (the login page follows Accept-Language).
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(5)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name, full=False):
    """A screenshot of the window, or with `full` of the whole page (the window is made as tall as the page)."""
    if not full:
        driver.save_screenshot(str(SHOTS / f"{name}.png"))
        return
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], min(height + 140, 6000))
    try:
        driver.save_screenshot(str(SHOTS / f"{name}.png"))
    finally:
        driver.set_window_size(size["width"], size["height"])


def submit(driver, element_id):
    """Clicks a submit button and waits until a new, fully loaded document has replaced this one.

    The old document is marked with a flag the new one does not have (more robust than element staleness,
    which this Chromium sometimes reports as an inspector error instead)."""
    driver.execute_script("window.__docketOldPage = true")
    driver.find_element(By.ID, element_id).click()
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return !window.__docketOldPage && document.readyState === 'complete'"))


def login(driver, username, password=PASSWORD):
    driver.delete_all_cookies()
    driver.get(f"{BASE}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver, "login")


def logout(driver):
    submit(driver, "logout")
    assert "/login" in driver.current_url


def test_wrong_password_is_refused_in_chinese(browser):
    login(browser, "admin", "not-the-password")
    assert "用户名或密码错误" in browser.find_element(By.ID, "login-error").text
    assert browser.find_element(By.ID, "username").get_attribute("value") == "admin"
    shot(browser, "login-error")


@pytest.mark.parametrize("username,role", sorted(ROLES.items()))
def test_each_role_lands_on_its_work_queue(browser, username, role):
    login(browser, username)
    assert browser.current_url.rstrip("/") == BASE
    queues = [e.get_attribute("data-role") for e in browser.find_elements(By.CSS_SELECTOR, "section.queue")]
    assert queues == [role]
    assert browser.find_element(By.ID, "page-title").text == "我的待办"
    if username in ("admin", "order.desk", "warehouse"):
        shot(browser, f"home-{role}")
    logout(browser)


def test_order_desk_creates_a_customer_through_the_form(browser):
    login(browser, "order.desk")
    browser.get(f"{BASE}/customers/new")
    fields = {
        "code": "C9001", "name": "苏州新测试贸易有限公司", "contacts-0-name": "郑洁", "contacts-0-phone": "139-1234",
        "addresses-0-province": "江苏省", "addresses-0-city": "苏州市", "addresses-0-district": "姑苏区",
        "addresses-0-street": "人民路 88 号", "addresses-0-postcode": "215000",
        "invoice-title": "苏州新测试贸易有限公司", "invoice-taxNumber": "91320500MA1X2Y3Z4K",
    }
    # contacts and addresses are rows of tables; credit terms are not the desk's to set
    assert not browser.find_elements(By.ID, "creditLimit")
    for field, value in fields.items():
        browser.find_element(By.ID, field).send_keys(value)
    submit(browser, "save")
    # a field-level error in Chinese, with everything typed kept
    assert "电话号码格式不正确" in browser.find_element(By.ID, "contacts-0-phone-error").text
    assert browser.find_element(By.ID, "name").get_attribute("value") == "苏州新测试贸易有限公司"
    shot(browser, "customer-validation-zh")
    phone = browser.find_element(By.ID, "contacts-0-phone")
    phone.clear()
    phone.send_keys("13912345678")
    # the customer's messages go out in the language chosen here (通知语言), named in words
    language = browser.find_element(By.ID, "language")
    assert [o.text for o in language.find_elements(By.TAG_NAME, "option")] == ["中文", "English"]
    language.find_element(By.CSS_SELECTOR, 'option[value="en"]').click()
    submit(browser, "save")
    assert "已保存" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "language").get_attribute("value") == "en"
    assert "通知语言" in browser.find_element(By.XPATH, "//select[@id='language']/ancestor::label").text
    shot(browser, "customer-notice-language")
    # "add a row" gives a blank contact row under the next index, which saves as a second contact
    browser.find_element(By.CSS_SELECTOR, 'button.add-row[data-grid="contacts"]').click()
    rows = browser.find_elements(By.CSS_SELECTOR, 'table[data-grid="contacts"] tbody tr')
    new = rows[-1].find_elements(By.CSS_SELECTOR, "input")
    assert all(i.get_attribute("value") in ("", "on") for i in new)
    new[0].send_keys("钱伟")
    new[1].send_keys("13800001111")
    submit(browser, "save")
    assert "已保存" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    names = [i.get_attribute("value") for i in browser.find_elements(By.CSS_SELECTOR, 'table[data-grid="contacts"] input[name$=".name"]')]
    assert names[:2] == ["郑洁", "钱伟"], names
    shot(browser, "customer-page-desk")
    browser.get(f"{BASE}/customers?q=C9001")
    assert "苏州新测试贸易有限公司" in browser.find_element(By.CSS_SELECTOR, "table.grid tbody").text
    shot(browser, "customers-list")
    logout(browser)


def test_purchasing_creates_a_product(browser):
    login(browser, "purchasing")
    browser.get(f"{BASE}/products/new")
    for field, value in {"sku": "TEA-TEST-1", "nameZh": "测试绿茶 100克", "nameEn": "Test green tea 100 g",
                         "unit": "盒", "listPrice": "58.00", "shelfLifeDays": "365", "weightGrams": "120"}.items():
        browser.find_element(By.ID, field).send_keys(value)
    submit(browser, "save")
    assert "已保存" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "lotTracked").is_selected(), "shelf-life products are lot-tracked"
    shot(browser, "product-saved")
    logout(browser)


def test_switching_to_english_and_being_refused_another_roles_page(browser):
    login(browser, "warehouse")
    submit(browser, "switch-language")
    assert browser.find_element(By.ID, "page-title").text == "My work"
    browser.get(f"{BASE}/stock?q=%E9%BE%99%E4%BA%95")
    assert browser.find_element(By.ID, "page-title").text == "Stock"
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.grid tbody tr")) > 0
    shot(browser, "stock-en")
    browser.get(f"{BASE}/admin/users")
    assert "403" in browser.find_element(By.ID, "page-title").text
    assert "Not allowed" in browser.page_source
    shot(browser, "forbidden-en")
    # back to Chinese for the next run
    submit(browser, "switch-language")
    logout(browser)


def pass_review(driver, reason="已核对"):
    """Passes the order's current review stage, giving a reason and approving price overrides when asked."""
    driver.find_element(By.ID, "review-reason").send_keys(reason)
    overrides = driver.find_elements(By.ID, "approve-overrides")
    if overrides:
        overrides[0].click()
    submit(driver, "review-pass")


def status(driver):
    return driver.find_element(By.ID, "order-status").get_attribute("data-status")


def test_sales_reviews_an_order_from_the_queue(browser):
    login(browser, "sales")
    queue = browser.find_element(By.CSS_SELECTOR, "section.queue[data-role='sales']")
    links = queue.find_elements(By.CSS_SELECTOR, "p.queue-item a")
    assert links, "the demo data leaves orders waiting in the sales review"
    number = links[0].text
    links[0].click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "page-title").text.startswith(number))
    assert browser.find_element(By.ID, "order-status").get_attribute("data-status") == "review_sales"
    assert browser.find_elements(By.CSS_SELECTOR, "#findings li"), "the stage shows what it found"
    pass_review(browser)
    assert browser.find_element(By.ID, "order-status").get_attribute("data-status") == "review_finance"
    assert "审核通过" in browser.find_element(By.ID, "timeline").text
    assert "审核决定已保存，订单现在：财务审核。" in browser.find_element(By.ID, "order-done").text
    shot(browser, "order-reviewed")
    # The next order of the same queue is one click away, when there is one.
    following = browser.find_elements(By.ID, "next-in-queue")
    if len(links) > 1:
        assert following, "another order waits in the sales review"
        submit(browser, "next-in-queue") if following[0].tag_name == "button" else following[0].click()
        WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "order-status").get_attribute("data-status") == "review_sales")
    logout(browser)


@pytest.mark.parametrize("path", [
    "/orders", "/customers", "/customers/new", "/products", "/products/new", "/stock", "/stock/receive",
    "/warehouses", "/warehouses/new", "/warehouses/1/locations", "/suppliers", "/suppliers/new", "/carriers",
    "/carriers/new", "/carriers/1", "/admin/users", "/admin/users/new", "/account/tokens", "/orders/new", "/orders/import",
    "/review-rules", "/review-rules/new", "/orders?stage=review&channel=phone&from=2026-01-01", "/orders/1",
    "/orders/6/complete", "/orders/2/change", "/customers/1", "/shipping", "/shipping?stage=transit", "/shipments/3", "/cases",
    "/board", "/penalties", "/notifications", "/notifications?status=delivered", "/webhooks", "/exceptions", "/track",
])
def test_every_page_renders_for_the_admin(browser, path):
    if not browser.get_cookie("docket_session"):
        login(browser, "admin")
    browser.get(f"{BASE}{path}")
    title = browser.find_element(By.ID, "page-title").text
    assert title and not title[:3].isdigit(), f"{path} rendered an error page: {title}"
    assert not browser.find_elements(By.CSS_SELECTOR, ".error-page")
    shot(browser, "page" + path.replace("/", "-"))


def test_offline_order_through_the_grid_four_reviews_and_a_phone_confirmation(browser):
    login(browser, "order.desk")
    browser.get(f"{BASE}/orders/new")
    browser.find_element(By.ID, "customerCode").send_keys("C0005")
    # Keyboard first: Enter after the SKU goes to the quantity, Enter after the quantity to the next line.
    browser.find_element(By.ID, "sku-1").click()
    active = browser.switch_to.active_element
    active.send_keys("CUP-STEEL-WH\n")
    WebDriverWait(browser, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "qty-1")
    browser.switch_to.active_element.send_keys("3\n")
    WebDriverWait(browser, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "sku-2")
    browser.switch_to.active_element.send_keys("CUP-STEEL-BK\n")
    browser.switch_to.active_element.send_keys("2\n")
    # A line pasted as text joins the grid (tabs from Excel are covered by the Core tests).
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    browser.find_element(By.ID, "paste-lines").send_keys("CUP-STEEL-RD 4")
    submit(browser, "apply-paste")
    skus = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "input.sku") if e.get_attribute("value")]
    assert skus == ["CUP-STEEL-WH", "CUP-STEEL-BK", "CUP-STEEL-RD"]
    # After the round trip each line keeps its product name, shows its amount and usable stock; the total runs.
    lines = browser.find_elements(By.CSS_SELECTOR, "#lines tbody tr")
    assert all(lines[i].find_element(By.CSS_SELECTOR, ".name").text for i in range(3)), "names kept"
    assert all("¥" in lines[i].find_element(By.CSS_SELECTOR, ".amount").text for i in range(3))
    assert all("可用" in lines[i].find_element(By.CSS_SELECTOR, ".available").text or "按单生产" in lines[i].find_element(By.CSS_SELECTOR, ".available").text for i in range(3))
    def fen(text):
        return int(text.replace("¥", "").replace(",", "").replace(".", ""))
    amounts = [fen(lines[i].find_element(By.CSS_SELECTOR, ".amount").text) for i in range(3)]
    assert fen(browser.find_element(By.ID, "entry-total").text) == sum(amounts)
    # Typing changes the amount and the total at once; × deletes a line.
    qty = browser.find_element(By.ID, "qty-3")
    qty.clear()
    qty.send_keys("8")
    WebDriverWait(browser, 5).until(lambda d: fen(d.find_element(By.ID, "entry-total").text) == amounts[0] + amounts[1] + 2 * amounts[2])
    shot(browser, "order-entry-grid")
    lines[2].find_element(By.CSS_SELECTOR, ".remove-line").click()
    WebDriverWait(browser, 5).until(lambda d: fen(d.find_element(By.ID, "entry-total").text) == amounts[0] + amounts[1])
    skus = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "input.sku") if e.get_attribute("value")]
    assert skus == ["CUP-STEEL-WH", "CUP-STEEL-BK"]
    submit(browser, "submit-order")
    assert status(browser) == "review_sales", browser.find_element(By.TAG_NAME, "main").text
    number = browser.find_element(By.ID, "page-title").text.split()[0]
    order_url = browser.current_url
    assert "¥" in browser.find_element(By.ID, "order-total").text

    for user, stage, next_status in [
        ("sales", "sales", "review_finance"), ("finance", "finance", "review_inventory"),
        ("warehouse", "inventory", "review_final"), ("order.manager", "final", "awaiting_confirmation"),
    ]:
        login(browser, user)
        browser.get(order_url)
        assert browser.find_element(By.ID, "review-panel").get_attribute("data-stage") == stage
        if stage == "sales":
            assert browser.find_element(By.ID, "credit-outcome").get_attribute("data-outcome")
        if stage == "inventory":
            assert "CUP-STEEL-WH" in browser.find_element(By.ID, "findings").text
        pass_review(browser, f"{stage} 已核对")
        assert status(browser) == next_status
        if stage == "inventory":
            # Passing the inventory review plans and reserves the order: where each line comes from, and why.
            panel = browser.find_element(By.ID, "allocation-panel")
            assert panel.get_attribute("data-status") in ("full", "partial"), panel.text
            assert "临时预留" in browser.find_element(By.ID, "allocation-reservation").text
            assert "仓" in browser.find_element(By.ID, "allocation-warehouses").text, "warehouses by name"
            browser.find_element(By.CSS_SELECTOR, "#allocation-panel details.why summary").click()
            assert "发出" in panel.text and "取" in panel.text, panel.text
            shot(browser, "order-allocation", full=True)

    login(browser, "order.desk")
    browser.get(order_url)
    assert browser.find_element(By.ID, "confirmation-deadline").text != "—"
    browser.find_element(By.ID, "confirmation-note").send_keys("客户电话确认，周一上午送货")
    submit(browser, "record-confirmation")
    assert status(browser) == "confirmed"
    timeline = browser.find_element(By.ID, "timeline").text
    for step in ("受理", "审核通过", "客户确认"):
        assert step in timeline
    assert timeline.count("审核通过") == 4
    reviews = browser.find_element(By.ID, "reviews").text
    for stage in ("初审", "财务审核", "库存审核", "终审"):
        assert stage in reviews
    assert "周一上午送货" in browser.find_element(By.ID, "requirements").text
    assert "正式预留" in browser.find_element(By.ID, "allocation-reservation").text, "confirmed: the reservation is firm"
    shot(browser, "order-confirmed")
    assert number.startswith("SO-")
    logout(browser)


def test_an_incomplete_entry_shows_field_errors_and_keeps_everything_typed(browser):
    login(browser, "order.desk")
    browser.get(f"{BASE}/orders/new")
    browser.find_element(By.ID, "customerCode").send_keys("C0005")
    browser.find_element(By.ID, "sku-1").send_keys("NO-SUCH-SKU")
    browser.find_element(By.ID, "qty-1").send_keys("2")
    submit(browser, "submit-order")
    assert "不存在" in browser.find_element(By.CSS_SELECTOR, "#lines tr.invalid").text
    assert browser.find_element(By.ID, "sku-1").get_attribute("value") == "NO-SUCH-SKU"
    assert browser.find_element(By.ID, "customerCode").get_attribute("value") == "C0005"
    # Products are looked up by Chinese or English name as one types a SKU; choosing one shows its name.
    browser.find_element(By.ID, "sku-2").send_keys("保温杯")
    WebDriverWait(browser, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#product-options option"))
    first = browser.find_element(By.CSS_SELECTOR, "#product-options option").get_attribute("value")
    field = browser.find_element(By.ID, "sku-2")
    field.clear()
    field.send_keys(first)
    browser.find_element(By.ID, "qty-2").click()
    WebDriverWait(browser, 5).until(lambda d: "保温杯" in d.find_elements(By.CSS_SELECTOR, "#lines td.name")[1].text)
    # Repeating a customer's last order fills the grid instead (the demo has orders of C0006).
    customer = browser.find_element(By.ID, "customerCode")
    customer.clear()
    customer.send_keys("C0006")
    submit(browser, "repeat-last")
    assert "SO-" in browser.find_element(By.ID, "notice").text
    assert browser.find_element(By.ID, "sku-1").get_attribute("value") not in ("", "NO-SUCH-SKU")
    logout(browser)


def test_the_customer_confirms_through_the_link(browser):
    """The demo leaves orders waiting for confirmation. No usable link is kept anywhere (the outbox message names
    the order): the desk copies a new link, shown once, to pass on by WeChat; the customer confirms through it."""
    import sqlite3
    data = os.environ.get("DOCKET_DATA")
    if not data:
        pytest.skip("DOCKET_DATA is not set (run through scripts/browser-test)")
    with sqlite3.connect(f"{data}/docket.sqlite") as db:
        row = db.execute("SELECT id FROM orders WHERE status = 'awaiting_confirmation' ORDER BY id DESC LIMIT 1").fetchone()
        payloads = [p for (p,) in db.execute("SELECT payload FROM outbox")]
    assert row, "the demo has an order awaiting confirmation"
    assert payloads and not any("/confirm/" in p for p in payloads), "no link at rest in the outbox"
    login(browser, "order.desk")
    browser.get(f"{BASE}/orders/{row[0]}")
    submit(browser, "copy-new-link")
    link = browser.find_element(By.ID, "new-link").get_attribute("value")
    assert link.startswith(BASE + "/confirm/"), link
    assert "仅显示这一次" in browser.find_element(By.ID, "new-link-panel").text
    shot(browser, "order-new-confirmation-link")
    browser.get(f"{BASE}/orders/{row[0]}")
    assert not browser.find_elements(By.ID, "new-link"), "shown once"
    logout(browser)
    browser.delete_all_cookies()
    browser.get(link)
    assert browser.find_element(By.ID, "page-title").text.startswith("订单确认")
    browser.find_element(By.ID, "requirements").send_keys("请送到二号门")
    submit(browser, "confirm-order")
    assert "已确认" in browser.find_element(By.ID, "confirm-done").text
    shot(browser, "customer-confirmed")
    browser.get(link)
    assert browser.find_elements(By.ID, "confirm-closed"), "a used link does not confirm again"


def test_csv_import_page_reports_bad_lines_and_keeps_good_orders(browser):
    login(browser, "order.desk")
    browser.get(f"{BASE}/orders/import")
    header = browser.find_element(By.CSS_SELECTOR, "main code").text
    columns = header.split(",")
    def row(**values):
        return ",".join(values.get(c, "") for c in columns)
    csv = "\n".join([header,
        row(customer_code="C0002", external_ref="PO-1", sku="CUP-STEEL-WH", quantity="5"),
        row(customer_code="C0002", external_ref="PO-1", sku="CUP-STEEL-BK", quantity="abc"),
        row(customer_code="C0003", external_ref="PO-2", sku="CUP-GLASS-S", quantity="1")])
    browser.find_element(By.ID, "csv-text").send_keys(csv)
    submit(browser, "import-submit")
    assert browser.find_element(By.ID, "import-summary").text
    assert browser.find_elements(By.CSS_SELECTOR, "#imported tbody tr")
    refused = browser.find_elements(By.CSS_SELECTOR, "#refused tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "td").text for r in refused] == ["2", "3"], "the order of the bad line is refused whole"
    assert "数量" in refused[1].text, "the column is named in the user's language"
    assert "整单未导入" in refused[0].text
    logout(browser)


def test_csv_import_reads_a_gbk_file_as_excel_saves_it(browser, tmp_path):
    login(browser, "order.desk")
    browser.get(f"{BASE}/orders/import")
    assert browser.find_element(By.ID, "import-template").get_attribute("href").endswith("/orders/import/template.csv")
    csv = "客户编码,客户单号,商品编码,数量,备注\r\nC0004,GBK-1,CUP-STEEL-WH,2,请送到仓库北门\r\n"
    path = tmp_path / "orders-gbk.csv"
    path.write_bytes(csv.encode("gb18030"))
    browser.find_element(By.ID, "csv-file").send_keys(str(path))
    WebDriverWait(browser, 5).until(lambda d: "请送到仓库北门" in d.find_element(By.ID, "csv-text").get_attribute("value"))
    submit(browser, "import-submit")
    assert browser.find_elements(By.CSS_SELECTOR, "#imported tbody tr"), browser.find_element(By.TAG_NAME, "main").text
    assert not browser.find_elements(By.ID, "refused")
    shot(browser, "import-gbk")
    logout(browser)


CODE_PATTERNS = [
    (r"\b(user|system|customer|api|cli):[A-Za-z0-9]", "a stored actor id"),
    (r"\blines\[", "a field path"),
    (r"\b[a-z]+_[a-z_]+\b", "a snake_case code (an enum raw value)"),
    (r"\b[a-z]+[A-Z][A-Za-z]*\b", "a camelCase identifier"),
    (r"\b(STOCK|RUSH|VOR|pending|approved|rejected|reminded|skipped|suspend|cancel)\b", "an enum raw value"),
]


def test_chinese_pages_show_no_code_identifiers(browser):
    """A person reads names and words, never what the code calls things: every order of the demo, the lists and
    the queues, as the admin sees them in Chinese."""
    import re
    login(browser, "admin")
    paths = ["/", "/orders", "/orders?stage=confirmation", "/orders?stage=review"] + [f"/orders/{n}" for n in range(1, 13)] + [
        "/customers", "/customers/1", "/customers/2", "/products", "/carriers", "/carriers/1", "/review-rules", "/review-rules/new",
        "/admin/users", "/warehouses", "/suppliers", "/stock", "/stock/totals", "/stock/movements", "/stock/lots/1", "/stock/shortages",
        "/stock/transfers", "/purchasing", "/production", "/shipping", "/shipping?stage=pack", "/shipping?stage=ship",
        "/shipping?stage=transit", "/shipments/1", "/shipments/2", "/shipments/3", "/shipments/4", "/cases",
        "/board", "/penalties", "/notifications", "/notifications?status=delivered", "/notifications?status=pending", "/webhooks", "/exceptions"]
    found = []
    for path in paths:
        browser.get(f"{BASE}{path}")
        text = browser.find_element(By.TAG_NAME, "main").text
        for pattern, what in CODE_PATTERNS:
            for match in re.finditer(pattern, text):
                found.append(f"{path}: {what}: {match.group(0)!r} in …{text[max(0, match.start() - 30):match.end() + 30]!r}…")
    assert not found, "\n".join(found[:40])


def test_the_dashboard_counts_orders_per_stage_and_links_to_them(browser):
    login(browser, "order.manager")
    dashboard = browser.find_element(By.ID, "dashboard")
    review = dashboard.find_element(By.CSS_SELECTOR, "a.figure[data-stage='review']")
    count = int(review.find_element(By.CSS_SELECTOR, ".count").text)
    assert count > 0, "the demo leaves orders in review"
    assert "今日接单" in browser.find_element(By.ID, "today").text
    shot(browser, "dashboard-zh")
    review.click()
    WebDriverWait(browser, 10).until(lambda d: "stage=review" in d.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.grid tbody tr")
    assert len(rows) == count, f"the review figure says {count}, the list shows {len(rows)}"
    logout(browser)


def test_key_pages_in_both_languages_on_desktop_and_a_phone(browser):
    """The order page, the dashboard, the entry grid, the customer page and the supply pages in Chinese and English, at desktop width
    and at 390 px; on a phone the page itself never scrolls sideways (wide tables scroll inside their box)."""
    login(browser, "admin")
    browser.get(f"{BASE}/orders")
    assert "客户要求加急" in browser.find_element(By.ID, "urgent-legend").text, "the 加急 marker has a legend"
    pages = {"/orders/1": "order", "/": "dashboard", "/orders/new": "entry-grid", "/customers/2": "customer", "/orders": "order-list",
             "/stock/shortages": "shortages", "/stock/transfers": "transfers-list", "/purchasing": "purchasing-list", "/production": "production-list",
             "/board": "board", "/penalties": "penalties", "/notifications": "notifications", "/exceptions": "exceptions"}
    try:
        for language in ("zh", "en"):
            for width, height, device in ((1280, 900, "desktop"), (390, 844, "phone")):
                browser.set_window_size(width, height)
                for path, name in pages.items():
                    browser.get(f"{BASE}{path}")
                    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == ("zh-CN" if language == "zh" else "en")
                    shot(browser, f"{name}-{language}-{device}", full=True)
                    if device == "phone":
                        scroll = browser.execute_script("return document.documentElement.scrollWidth")
                        viewport = browser.execute_script("return window.innerWidth")
                        wide = browser.execute_script(
                            "return Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                            ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')")
                        assert scroll <= viewport + 1, f"{path} ({language}) is {scroll}px wide in a {viewport}px window: {wide}"
            if language == "zh":
                browser.set_window_size(1280, 900)
                submit(browser, "switch-language")
    finally:
        browser.set_window_size(1280, 900)
        browser.get(f"{BASE}/")
        if browser.find_elements(By.CSS_SELECTOR, "html[lang='en']"):
            submit(browser, "switch-language")
        logout(browser)


def test_logistics_edits_a_carriers_rates_as_a_table(browser):
    login(browser, "logistics")
    browser.get(f"{BASE}/carriers/1")
    assert not browser.find_elements(By.ID, "services"), "no pipe-delimited text box"
    rates = browser.find_element(By.CSS_SELECTOR, 'table[data-grid="rates"]')
    before = len(rates.find_elements(By.CSS_SELECTOR, "tbody tr"))
    service = browser.find_element(By.ID, "services-0-code").get_attribute("value")
    # a new rate row with an impossible transit time: the problem sits in its row and is listed by row and column
    browser.find_element(By.CSS_SELECTOR, 'button.add-row[data-grid="rates"]').click()
    row = rates.find_elements(By.CSS_SELECTOR, "tbody tr")[-1]
    index = row.get_attribute("data-row")
    for column, value in (("service", service), ("zone", "西藏自治区"), ("baseFee", "30.00"), ("perKg", "12.00"), ("transitDays", "120")):
        browser.find_element(By.ID, f"rates-{index}-{column}").send_keys(value)
    submit(browser, "save")
    error = browser.find_element(By.ID, f"rates-{index}-transitDays-error")
    assert "90" in error.text
    assert f"运价第 {before + 1} 行 时效（天）" in browser.find_element(By.ID, "form-errors").text
    assert browser.find_element(By.ID, f"rates-{index}-zone").get_attribute("value") == "西藏自治区"
    shot(browser, "carrier-rates-error-zh")
    days = browser.find_element(By.ID, f"rates-{index}-transitDays")
    days.clear()
    days.send_keys("6")
    submit(browser, "save")
    assert "已保存" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    zones = [i.get_attribute("value") for i in browser.find_elements(By.CSS_SELECTOR, 'table[data-grid="rates"] input[name$=".zone"]')]
    assert "西藏自治区" in zones
    modes = browser.find_element(By.ID, "services-0-mode").text
    assert "快递" in modes and "express" not in modes, "transport modes in words"
    shot(browser, "carrier-rates-zh", full=True)
    logout(browser)


def test_finance_sets_credit_terms_on_the_customer_page(browser):
    login(browser, "finance")
    browser.get(f"{BASE}/customers/2")
    assert not browser.find_elements(By.ID, "save"), "finance sees the record without its Save button"
    limit = browser.find_element(By.ID, "creditLimit")
    limit.clear()
    limit.send_keys("abc")
    submit(browser, "save-credit")
    assert browser.find_element(By.ID, "creditLimit-error").text
    limit = browser.find_element(By.ID, "creditLimit")
    limit.clear()
    limit.send_keys("350000")
    submit(browser, "save-credit")
    assert "信用条款已保存" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert "350,000.00" in browser.find_element(By.ID, "credit-limit").text
    assert browser.find_element(By.ID, "invoice-title"), "invoice details are on the page"
    shot(browser, "customer-credit-finance")
    logout(browser)
    login(browser, "sales")
    browser.get(f"{BASE}/customers/2")
    assert not browser.find_elements(By.ID, "credit-form")
    assert "350,000.00" in browser.find_element(By.ID, "credit-limit-terms").text
    assert browser.find_element(By.ID, "save")
    logout(browser)


def test_the_warehouse_adjusts_a_lot_and_reads_the_ledger(browser):
    """库存: from the stock list to a lot, a counted difference booked with its reason, then the ledger says who and why."""
    login(browser, "warehouse")
    browser.get(f"{BASE}/stock")
    assert browser.find_element(By.ID, "tabs").text.split() == ["库存查询", "库存汇总", "库存流水", "库存不足处理", "调拨单", "采购", "生产"]
    browser.find_element(By.CSS_SELECTOR, "table.grid tbody tr td a").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "adjust-form"))
    facts = browser.find_element(By.ID, "lot-facts").text
    assert "在库" in facts and "可用" in facts
    browser.find_element(By.ID, "adjust-quantity").send_keys("-1")
    submit(browser, "adjust")
    assert browser.find_element(By.ID, "adjust-reason-error").text, "a reason is required"
    assert browser.find_element(By.ID, "adjust-quantity").get_attribute("value") == "-1", "what was typed is kept"
    browser.find_element(By.ID, "adjust-reason").send_keys("盘点少 1 个")
    submit(browser, "adjust")
    assert "库存已调整" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    first = browser.find_element(By.CSS_SELECTOR, "#lot-movements tbody tr").text
    assert "库存调整" in first and "-1" in first and "盘点少 1 个" in first and "陈强" in first, first
    shot(browser, "stock-lot", full=True)
    browser.get(f"{BASE}/stock/movements")
    assert "盘点少 1 个" in browser.find_element(By.CSS_SELECTOR, "table.grid tbody").text
    shot(browser, "stock-movements")
    logout(browser)


def click_and_wait(driver, element):
    """Clicks a button found on the page (not by id) and waits for the next document, as `submit` does."""
    driver.execute_script("window.__docketOldPage = true")
    element.click()
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return !window.__docketOldPage && document.readyState === 'complete'"))


def reviewed_order(driver, lines):
    """An order of C0005 entered on the grid (pasted lines) and passed through the four reviews; its number and page."""
    login(driver, "order.desk")
    driver.get(f"{BASE}/orders/new")
    driver.find_element(By.ID, "customerCode").send_keys("C0005")
    driver.find_element(By.CSS_SELECTOR, "details summary").click()
    driver.find_element(By.ID, "paste-lines").send_keys(lines)
    submit(driver, "apply-paste")
    submit(driver, "submit-order")
    assert status(driver) == "review_sales", driver.find_element(By.TAG_NAME, "main").text
    number = driver.find_element(By.ID, "page-title").text.split()[0]
    order_url = driver.current_url
    for user in ("sales", "finance", "warehouse", "order.manager"):
        login(driver, user)
        driver.get(order_url)
        pass_review(driver, "已核对")
    assert status(driver) == "awaiting_confirmation"
    return number, order_url


def shortage_row(driver, number):
    driver.get(f"{BASE}/stock/shortages")
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "#shortages tbody tr") if number in r.text]
    assert rows, driver.find_element(By.ID, "shortages").text
    return rows[0]


def test_a_shortage_is_resolved_by_a_transfer_from_the_workbench(browser):
    """库存不足处理: three products each in a different warehouse, two warehouses allowed per order, so one line is
    short. The order manager asks for a transfer from the workbench; the warehouse ships and receives it; the order
    is then fully allocated by the timer worker."""
    number, order_url = reviewed_order(browser, "CUP-STEEL-WH 2\nMUG-CER-BL 2\nCOS-CRM-S 2")
    assert browser.find_element(By.ID, "allocation-panel").get_attribute("data-status") == "partial"
    row = shortage_row(browser, number)
    assert "调货" in row.text and "下采购单" in row.text, row.text
    transfer = row.find_element(By.CSS_SELECTOR, "button[value^='transfer:']")
    row.find_element(By.NAME, "reason").send_keys("第三个仓的货调过来")
    shot(browser, "shortages-workbench", full=True)
    click_and_wait(browser, transfer)
    assert "/stock/transfers" in browser.current_url
    assert "已生成调拨单" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    mine = [r for r in browser.find_elements(By.CSS_SELECTOR, "#transfers tbody tr") if number in r.text]
    assert mine and "待发出" in mine[0].text, browser.find_element(By.ID, "transfers").text
    row_id = mine[0].get_attribute("id")
    # The decision is on the line, with who chose it and why.
    row = shortage_row(browser, number)
    assert "已选择" in row.text and "TR-" in row.text and "第三个仓的货调过来" in row.text, row.text

    login(browser, "warehouse")
    browser.get(f"{BASE}/stock/transfers")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"#{row_id} button.transfer-ship"))
    assert "货物在途" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert "在途" in browser.find_element(By.ID, row_id).text
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"#{row_id} button.transfer-receive"))
    assert "已收货入库" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    shot(browser, "transfers", full=True)
    # The receipt leaves a timer; the worker allocates the waiting order.
    def allocated(driver):
        driver.get(order_url)
        return driver.find_element(By.ID, "allocation-panel").get_attribute("data-status") == "full"
    WebDriverWait(browser, 30, poll_frequency=1).until(allocated)
    assert "处理缺货" in browser.find_element(By.ID, "timeline").text
    logout(browser)


def test_a_shortage_is_resolved_by_a_purchase_order_received_on_its_page(browser):
    """补货: an order for more than all warehouses hold; purchasing orders the suggested quantity from the workbench,
    the warehouse books the delivery on the purchase order's page (a wrong quantity is refused and kept), and the
    order is allocated."""
    number, order_url = reviewed_order(browser, "OFF-NOTE-BK 150")
    login(browser, "purchasing")
    browser.get(f"{BASE}/purchasing")
    suggestion = [r for r in browser.find_elements(By.CSS_SELECTOR, "#suggestions tbody tr") if "OFF-NOTE-BK" in r.text]
    assert suggestion, browser.find_element(By.ID, "suggestions").text
    shot(browser, "purchasing", full=True)
    row = shortage_row(browser, number)
    click_and_wait(browser, row.find_element(By.CSS_SELECTOR, "button[value='purchase']"))
    assert "已下采购单" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "po-status").get_attribute("data-status") == "ordered"
    po_url = browser.current_url
    assert number in browser.find_element(By.ID, "po-facts").text, "the purchase order names the order it is for"

    login(browser, "warehouse")
    browser.get(po_url)
    outstanding = int(browser.find_element(By.CSS_SELECTOR, "#po-lines tbody tr td:nth-child(4)").text)
    quantity = browser.find_element(By.CSS_SELECTOR, "#po-lines input[name^='quantity-']")
    quantity.clear()
    quantity.send_keys(str(outstanding + 1))
    submit(browser, "receive")
    assert "不能超过未到数量" in browser.find_element(By.ID, "po-error").text
    quantity = browser.find_element(By.CSS_SELECTOR, "#po-lines input[name^='quantity-']")
    assert quantity.get_attribute("value") == str(outstanding + 1), "what was typed is kept"
    quantity.clear()
    quantity.send_keys(str(outstanding))
    submit(browser, "receive")
    assert "已到货入库" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "po-status").get_attribute("data-status") == "received"
    shot(browser, "purchase-order", full=True)
    def allocated(driver):
        driver.get(order_url)
        return driver.find_element(By.ID, "allocation-panel").get_attribute("data-status") == "full"
    WebDriverWait(browser, 30, poll_frequency=1).until(allocated)
    logout(browser)


def test_production_plans_a_made_to_order_line_and_a_slip_reaches_the_order(browser):
    """生产: a made-to-order line waits in the production queue; production plans it with its operations, starts,
    reports output and a problem that moves the finish past the promised date: the production order is flagged, the
    output is the order's, and the order's history says production is late."""
    number, order_url = reviewed_order(browser, "GFT-MUG-RD 20")
    login(browser, "production")
    browser.get(f"{BASE}/production")
    rows = [r for r in browser.find_elements(By.CSS_SELECTOR, "#production-demand tbody tr") if number in r.text]
    assert rows, browser.find_element(By.ID, "production-demand").text
    rows[0].find_element(By.NAME, "operations").send_keys("印 LOGO，烧制，包装")
    import datetime
    sample = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    rows[0].find_element(By.NAME, "milestones").send_keys(f"打样 {sample}")
    shot(browser, "production-queue", full=True)
    click_and_wait(browser, rows[0].find_element(By.CSS_SELECTOR, "button.plan-production"))
    assert "已安排生产" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "production-status").get_attribute("data-status") == "planned"
    assert "印 LOGO" in browser.find_element(By.ID, "operations").text
    assert f"打样（{sample}）" in browser.find_element(By.ID, "milestones").text
    submit(browser, "start-production")
    assert browser.find_element(By.ID, "production-status").get_attribute("data-status") == "inProgress"
    # A report with nothing in it is refused in words.
    submit(browser, "send-report")
    assert "至少一项" in browser.find_element(By.ID, "production-error").text
    browser.find_element(By.ID, "report-produced").send_keys("5")
    browser.find_element(By.CSS_SELECTOR, "#report-operation option[value='印 LOGO']").click()
    browser.find_element(By.ID, "report-problem").send_keys("釉料缺货，等补料")
    browser.execute_script("arguments[0].value = '2027-03-01'", browser.find_element(By.ID, "report-expected"))
    submit(browser, "send-report")
    assert "进度已汇报" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_elements(By.ID, "production-at-risk"), "the finish is after the promised date"
    assert "5/20" in browser.find_element(By.ID, "production-facts").text
    assert "釉料缺货" in browser.find_element(By.ID, "production-reports").text
    shot(browser, "production-order", full=True)
    login(browser, "order.manager")
    browser.get(order_url)
    assert "生产延误" in browser.find_element(By.ID, "timeline").text
    assert "2027-03-01" in browser.find_element(By.TAG_NAME, "main").text, "the new date is asked for as a change"
    logout(browser)


def decoded_barcodes(driver, name):
    """Screenshots the page at twice its size (as a label printer's resolution would) and returns what zbarimg reads
    off it: the barcodes must scan, not only be drawn."""
    import subprocess
    size = driver.get_window_size()
    driver.set_window_size(1800, size["height"])
    driver.execute_script("document.body.style.zoom = '2'")
    try:
        shot(driver, name, full=True)
    finally:
        driver.execute_script("document.body.style.zoom = ''")
        driver.set_window_size(size["width"], size["height"])
    result = subprocess.run(["zbarimg", "-q", "--raw", str(SHOTS / f"{name}.png")], capture_output=True, text=True, timeout=60)
    return set(result.stdout.split())


def test_an_order_is_picked_packed_labelled_shipped_signed_for_and_completed(browser):
    """发货: a confirmed order is released to the warehouse; the warehouse prints the wave pick list, picks (a
    count above the list refused), packs with the weight as weighed and prints the label (its barcodes scan); the
    logistics desk sees why each carrier lost, may not take another without a reason, hands over with the tracking
    number and prints the delivery note; the customer refuses one damaged unit on the sign-off with a proof photo;
    the return is received, the case closed, and the order completes."""
    number, order_url = reviewed_order(browser, "CUP-STEEL-WH 2\nCOS-TON-L 1")
    login(browser, "order.desk")
    browser.get(order_url)
    browser.find_element(By.ID, "confirmation-note").send_keys("客户电话确认")
    submit(browser, "record-confirmation")
    assert status(browser) == "confirmed"
    login(browser, "order.manager")
    browser.get(order_url)
    submit(browser, "release-to-warehouse")
    assert status(browser) == "allocated"
    panel = browser.find_element(By.ID, "fulfilment-panel")
    assert "待拣货" in panel.text, panel.text
    shipment_url = panel.find_element(By.CSS_SELECTOR, "#order-shipments tbody tr a").get_attribute("href")

    login(browser, "warehouse")
    browser.get(f"{BASE}/shipping")
    mine = [r for r in browser.find_elements(By.CSS_SELECTOR, "#shipments tbody tr") if number in r.text]
    assert mine, browser.find_element(By.ID, "shipments").text
    for row in browser.find_elements(By.CSS_SELECTOR, "#shipments tbody tr"):
        box = row.find_element(By.NAME, "id")
        if (number in row.text) != box.is_selected():
            box.click()
    shot(browser, "shipping-to-pick", full=True)
    submit(browser, "print-wave")
    pick_list = browser.find_element(By.ID, "pick-list").text
    assert "拣货单" in pick_list and "CUP-STEEL-WH" in pick_list and "COS-TON-L" in pick_list, pick_list
    shot(browser, "pick-list-zh", full=True)

    browser.get(shipment_url)
    quantities = browser.find_elements(By.CSS_SELECTOR, "input.picked-quantity")
    assert quantities
    quantities[0].clear()
    quantities[0].send_keys("99")
    browser.execute_script("document.getElementById('pick-form').noValidate = true")
    submit(browser, "confirm-pick")
    assert browser.find_element(By.ID, "shipment-error").text, "a count above the pick list is refused"
    assert browser.find_element(By.CSS_SELECTOR, "input.picked-quantity").get_attribute("value") == "99", "what was typed is kept"
    for box in browser.find_elements(By.CSS_SELECTOR, "input.picked-quantity"):
        box.clear()
        box.send_keys(box.get_attribute("max"))
    submit(browser, "confirm-pick")
    assert "拣货已确认" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "shipment-status").text == "已拣货"
    weight = browser.find_element(By.NAME, "packages[0].weightKg")
    weight.clear()
    weight.send_keys("2.35")
    shot(browser, "shipment-packing", full=True)
    submit(browser, "confirm-pack")
    assert "包装已确认" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert "2.35" in browser.find_element(By.ID, "packages").text

    login(browser, "logistics")
    browser.get(shipment_url)
    options = browser.find_element(By.ID, "carrier-options")
    assert "推荐" in options.text and ("贵" in options.text or "慢" in options.text or "不适合" in options.text), options.text
    radios = browser.find_elements(By.CSS_SELECTOR, "#carrier-options input[type=radio]")
    other = [r for r in radios if not r.is_selected()]
    assert other, "more than one carrier can take it"
    other[0].click()
    submit(browser, "choose-carrier")
    assert "原因" in browser.find_element(By.ID, "shipment-error").text, "another option needs a reason"
    browser.find_element(By.ID, "override-reason").send_keys("客户指定该承运商")
    submit(browser, "choose-carrier")
    assert "承运商已选定" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert "客户指定该承运商" in browser.find_element(By.ID, "carrier-taken").text
    shot(browser, "shipment-carrier", full=True)
    browser.find_element(By.ID, "tracking-number").send_keys("SF7788990011")
    submit(browser, "ship")
    assert "已交付承运商" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "shipment-status").text == "已发货"
    facts = browser.find_element(By.ID, "shipment-facts").text
    assert "SF7788990011" in facts

    shipment_id = shipment_url.rstrip("/").split("/")[-1]
    browser.get(f"{BASE}/shipments/{shipment_id}/label")
    label = browser.find_element(By.CSS_SELECTOR, "article.sheet.label").text
    assert "1/1" in label and number in label and "SF7788990011" in label, label
    assert ("液体" in label) == ("COS-TON-L" in label), "a liquid's package carries its handling mark"
    codes = decoded_barcodes(browser, "label-zh")
    assert {"SF7788990011", number} <= codes, codes
    browser.get(f"{BASE}/shipments/{shipment_id}/delivery-note")
    note = browser.find_element(By.ID, "document").text
    assert "发货单（装箱单）" in note and "CUP-STEEL-WH" in note and "收货人签字" in note, note
    assert number in decoded_barcodes(browser, "delivery-note-zh")

    browser.get(order_url)
    panel = browser.find_element(By.ID, "fulfilment-panel")
    assert "SF7788990011" in panel.text and panel.find_element(By.CSS_SELECTOR, "td.eta").text != "—", panel.text

    browser.get(shipment_url)
    browser.find_element(By.ID, "signer").send_keys("张三")
    refused = browser.find_elements(By.CSS_SELECTOR, "input.refused-quantity")[0]
    refused.send_keys("1")
    row = refused.find_element(By.XPATH, "./ancestor::tr")
    row.find_element(By.CSS_SELECTOR, "select option[value='damaged']").click()
    browser.find_element(By.ID, "proof").send_keys(str((SHOTS / "label-zh.png").resolve()))
    submit(browser, "sign-off")
    notices = browser.find_elements(By.CSS_SELECTOR, "p.notice")
    assert notices and "签收已登记" in notices[0].text, browser.find_element(By.TAG_NAME, "body").text[:600]
    signed = browser.find_element(By.ID, "signed-panel").text
    assert "张三" in signed and "label-zh.png" in signed, signed
    shot(browser, "shipment-signed", full=True)
    case_url = browser.find_element(By.CSS_SELECTOR, "#signed-panel a.case-link").get_attribute("href")

    login(browser, "service")
    browser.get(case_url)
    assert "破损" in browser.find_element(By.ID, "case-lines").text
    submit(browser, "receive-return")
    assert "退货已入库" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    browser.find_element(By.CSS_SELECTOR, "#resolution option[value='reship']").click()
    submit(browser, "close-case-button")
    assert browser.find_element(By.ID, "case-status").get_attribute("data-status") == "closed"
    shot(browser, "after-sales-case", full=True)
    browser.get(order_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "#order-shipments tbody tr")
    # Complete once every shipment is delivered and the case closed; a second warehouse's shipment still to pick
    # leaves the order partly shipped.
    assert status(browser) == ("completed" if len(rows) == 1 else "partially_shipped"), browser.find_element(By.ID, "fulfilment-panel").text
    logout(browser)


def test_a_short_picked_unit_goes_out_on_a_shipment_of_its_own(browser):
    """欠货与补发: the demo's picked order was found one unit short; as soon as the timer ran, the unit was reserved from
    free stock and put on a second shipment of the same order, waiting to be picked. The order page lists both
    shipments and says so in its history, in Chinese; the first shipment is left as picked."""
    login(browser, "warehouse")
    backorder = None
    for _ in range(20):  # the timer runs every 2 s on the test server
        browser.get(f"{BASE}/shipping")
        rows = [r for r in browser.find_elements(By.CSS_SELECTOR, "#shipments tbody tr[data-shipment]")
                if r.get_attribute("data-shipment").endswith("-2")]
        if rows:
            backorder = rows[0]
            break
        import time
        time.sleep(1)
    assert backorder is not None, browser.find_element(By.ID, "shipments").text
    number = backorder.get_attribute("data-shipment")
    order_number = number.rsplit("-", 1)[0]
    backorder.find_element(By.LINK_TEXT, order_number).click()
    panel = browser.find_element(By.ID, "fulfilment-panel")
    rows = panel.find_elements(By.CSS_SELECTOR, "#order-shipments tbody tr")
    texts = {r.find_element(By.TAG_NAME, "a").text: r.text for r in rows}
    assert set(texts) == {order_number + "-1", order_number + "-2"}, texts
    assert "已拣货" in texts[order_number + "-1"] and "待拣货" in texts[order_number + "-2"], texts
    assert not panel.find_elements(By.ID, "order-backorders"), "nothing is owed any more"
    timeline = browser.find_element(By.TAG_NAME, "body").text
    assert "补发欠货" in timeline and "backorder" not in timeline
    panel.location_once_scrolled_into_view
    shot(browser, "order-backorder-shipment", full=True)


def test_the_board_shows_orders_by_stage_coloured_by_time_left(browser):
    """看板: the order manager opens the board from the navigation; each column counts its orders; a card's colour is
    its time left (a legend says so); a card opens its order; filtering by type keeps only that type; the overdue list
    is on the same page; the page refreshes itself. In Chinese and English, on a desktop and on a 390 px phone (the
    board scrolls sideways inside its box, the page does not)."""
    login(browser, "order.manager")
    browser.find_element(By.LINK_TEXT, "看板").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/board"))
    assert browser.find_element(By.ID, "page-title").text == "订单看板"
    assert browser.find_element(By.CSS_SELECTOR, "meta[http-equiv='refresh']").get_attribute("content").startswith("60")
    columns = browser.find_elements(By.CSS_SELECTOR, ".board-column")
    assert [c.get_attribute("data-column") for c in columns] == ["intake", "review", "confirmation", "preparing", "warehouse", "transit", "delivered"]
    total = 0
    for column in columns:
        count = int(column.find_element(By.CSS_SELECTOR, "h2 .badge").text)
        cards = column.find_elements(By.CSS_SELECTOR, "a.board-card")
        assert len(cards) == min(count, 40), f"{column.get_attribute('data-column')}: {count} counted, {len(cards)} shown"
        total += count
        for card in cards:
            assert card.get_attribute("data-standing") in ("on_track", "at_risk", "late", "finished")
            left = card.find_element(By.CSS_SELECTOR, ".card-left").text
            assert any(word in left for word in ("剩", "逾期", "今天到期", "已送达")), left
    assert total > 0, "the demo has open orders"
    assert "临近期限" in browser.find_element(By.CSS_SELECTOR, ".legend").text
    shot(browser, "board-zh", full=True)

    # A card opens its order.
    card = browser.find_element(By.CSS_SELECTOR, "a.board-card")
    number = card.get_attribute("data-order")
    click_and_wait(browser, card)
    assert browser.find_element(By.ID, "page-title").text.startswith(number)
    browser.back()

    # Only RUSH orders; then clear.
    from selenium.webdriver.support.ui import Select
    Select(browser.find_element(By.ID, "board-type")).select_by_value("RUSH")
    browser.execute_script("window.__docketOldPage = true")
    browser.find_element(By.CSS_SELECTOR, "#board-filter button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "type=RUSH" in d.current_url and not d.execute_script("return window.__docketOldPage"))
    for meta in browser.find_elements(By.CSS_SELECTOR, "a.board-card .type"):
        assert meta.get_attribute("data-type") == "RUSH"
    assert "type=RUSH" in browser.find_element(By.CSS_SELECTOR, "meta[http-equiv='refresh']").get_attribute("content"), "the refresh keeps the filter"
    shot(browser, "board-rush-zh", full=True)
    browser.find_element(By.ID, "board-clear").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/board"))
    assert browser.find_element(By.ID, "overdue-list")

    browser.find_element(By.ID, "penalties-link").click()
    WebDriverWait(browser, 10).until(lambda d: "/penalties" in d.current_url)
    assert browser.find_element(By.ID, "page-title").text == "服务时限罚款"
    assert "按其金额的 10%" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "penalties-zh", full=True)

    # In English (every page in both languages and on a phone: test_key_pages_in_both_languages_on_desktop_and_a_phone).
    browser.get(f"{BASE}/board")
    submit(browser, "switch-language")
    try:
        assert browser.find_element(By.ID, "page-title").text == "Order board"
        assert "Due soon" in browser.find_element(By.CSS_SELECTOR, ".legend").text
    finally:
        submit(browser, "switch-language")
        logout(browser)


def test_a_webhook_that_fails_is_a_dead_letter_sent_again_from_the_page(browser):
    """通知: the admin subscribes a receiver that is not there (the test server allows one attempt), an order's
    acknowledgement to it fails and is listed under 发送失败 with the error; 重新发送 puts it back in the queue. The
    subscription's page shows its signing secret and replaces it on request."""
    login(browser, "admin")
    browser.find_element(By.LINK_TEXT, "通知").click()
    WebDriverWait(browser, 10).until(lambda d: "/notifications" in d.current_url)
    browser.find_element(By.ID, "webhooks-link").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/webhooks"))
    browser.find_element(By.ID, "webhook-name").send_keys("ERP 对接")
    browser.find_element(By.ID, "webhook-url").send_keys("ftp://nowhere")
    browser.execute_script("document.getElementById('webhook-form').noValidate = true")
    submit(browser, "webhook-save")
    assert "网址" in browser.find_element(By.ID, "webhook-error").text
    assert browser.find_element(By.ID, "webhook-name").get_attribute("value") == "ERP 对接", "what was typed is kept"
    url = browser.find_element(By.ID, "webhook-url")
    url.clear()
    url.send_keys("http://127.0.0.1:9/hooks")
    browser.find_element(By.CSS_SELECTOR, "input[name=topics][value='order.acknowledged']").click()
    submit(browser, "webhook-save")
    assert "订阅已保存" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert "订单已收到" in browser.find_element(By.ID, "webhooks").text
    shot(browser, "webhooks-zh", full=True)

    # An order is taken in: its acknowledgement goes to the webhook, fails and is dead after the one attempt.
    login(browser, "order.desk")
    browser.get(f"{BASE}/orders/new")
    browser.find_element(By.ID, "customerCode").send_keys("C0005")
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    browser.find_element(By.ID, "paste-lines").send_keys("CUP-STEEL-WH 1")
    submit(browser, "apply-paste")
    submit(browser, "submit-order")
    number = browser.find_element(By.ID, "page-title").text.split()[0]

    login(browser, "service")
    deadline = __import__("time").time() + 30
    rows = []
    while not rows and __import__("time").time() < deadline:
        browser.get(f"{BASE}/notifications?status=dead")
        rows = [r for r in browser.find_elements(By.CSS_SELECTOR, "#deliveries tbody tr[data-delivery]") if number in r.text]
        if not rows:
            __import__("time").sleep(1)
    assert rows, browser.find_element(By.ID, "deliveries").text
    assert "ERP 对接" in rows[0].text and "订单已收到" in rows[0].text and rows[0].find_element(By.CSS_SELECTOR, ".error-text").text
    shot(browser, "notifications-dead-zh", full=True)
    delivery = rows[0].get_attribute("data-delivery")
    click_and_wait(browser, rows[0].find_element(By.CSS_SELECTOR, "button.redeliver"))
    assert "已重新排队发送" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert browser.find_elements(By.CSS_SELECTOR, f"#deliveries tr[data-delivery='{delivery}']") or \
        browser.find_elements(By.CSS_SELECTOR, "nav#delivery-tabs a[data-status='dead']"), "the letter is queued again"
    shot(browser, "notifications-pending-zh", full=True)

    login(browser, "admin")
    browser.get(f"{BASE}/webhooks")
    browser.find_element(By.LINK_TEXT, "ERP 对接").click()
    secret = browser.find_element(By.ID, "secret").text
    assert secret.startswith("whsec_")
    submit(browser, "rotate-secret")
    assert "密钥已更换" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    browser.find_element(By.LINK_TEXT, "ERP 对接").click()
    assert browser.find_element(By.ID, "secret").text not in ("", secret)
    shot(browser, "webhook-zh", full=True)
    logout(browser)


def test_the_customer_tracks_an_order_on_a_phone_and_reports_a_problem(browser):
    """客户自助查询 on a 390 px phone, signed out: a wrong phone is refused without saying whether the order exists;
    the order number with the phone given at entry opens the order's page (steps, goods, delivery); the page's link
    works on its own (as from a message); a problem reported there reaches the staff's exceptions queue."""
    login(browser, "order.desk")
    browser.get(f"{BASE}/orders/new")
    browser.find_element(By.ID, "customerCode").send_keys("C0005")
    browser.find_element(By.ID, "contactPhone").send_keys("13912345678")
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    browser.find_element(By.ID, "paste-lines").send_keys("CUP-STEEL-WH 2")
    submit(browser, "apply-paste")
    submit(browser, "submit-order")
    number = browser.find_element(By.ID, "page-title").text.split()[0]
    logout(browser)

    browser.delete_all_cookies()
    browser.set_window_size(390, 844)
    try:
        browser.get(f"{BASE}/track")
        assert browser.find_element(By.ID, "page-title").text == "订单查询"
        browser.find_element(By.ID, "track-number").send_keys(number)
        browser.find_element(By.ID, "track-phone").send_keys("13800000000")
        submit(browser, "track-submit")
        assert "订单号或手机号不正确" in browser.find_element(By.ID, "track-error").text
        shot(browser, "track-lookup-refused-zh-phone", full=True)
        phone = browser.find_element(By.ID, "track-phone")
        phone.clear()
        phone.send_keys("139 1234 5678")
        submit(browser, "track-submit")
        assert browser.find_element(By.ID, "page-title").text == number
        assert "订单已收到" in browser.find_element(By.ID, "track-phase").text
        goods = browser.find_element(By.CSS_SELECTOR, ".track-lines").text
        assert "2" in goods and "¥" in goods, goods
        assert not browser.find_elements(By.ID, "logout"), "no back office here"
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= 391, f"the tracking page is {scroll}px wide on a 390 px phone"
        shot(browser, "track-order-zh-phone", full=True)
        link = browser.current_url

        # The link alone, in a fresh browser session (as from an e-mail).
        browser.delete_all_cookies()
        browser.get(link)
        assert browser.find_element(By.ID, "page-title").text == number
        from selenium.webdriver.support.ui import Select
        Select(browser.find_element(By.ID, "report-kind")).select_by_value("damaged")
        browser.find_element(By.ID, "report-description").send_keys("外箱压坏，杯子碎了一个")
        browser.find_element(By.ID, "report-contact").send_keys("13912345678")
        submit(browser, "report-submit")
        assert "问题已提交" in browser.find_element(By.ID, "track-notice").text
        assert f"{number}-E1" in browser.find_element(By.ID, "track-reports").text
        shot(browser, "track-reported-zh-phone", full=True)
        browser.get(link.split("?")[0] + "?lang=en")
        assert browser.find_element(By.ID, "track-phase").text == "Received, being processed"
        shot(browser, "track-order-en-phone", full=True)
    finally:
        browser.set_window_size(1280, 900)

    login(browser, "service")
    browser.get(f"{BASE}/board")
    browser.find_element(By.ID, "exceptions-link").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/exceptions"))
    row = browser.find_element(By.CSS_SELECTOR, f"#exceptions tr[data-exception='{number}-E1']")
    assert "破损" in row.text and "高" in row.text and "客户" in row.text and "外箱压坏" in row.text
    shot(browser, "exceptions-zh", full=True)
    logout(browser)


def test_a_lost_parcel_is_raised_claimed_sent_again_and_resolved(browser):
    """异常处理 from the order page: customer service raises a lost-parcel exception on the shipment on its way, takes
    it, records the call with the customer, files a claim on the carrier with its document, sends the goods again (a
    new shipment from stock; the lost one is marked lost) and resolves it — the customer is told, the exception is on
    the order. Bad input (a claim of nothing, resolving without a note) is refused in words, what was typed kept."""
    from selenium.webdriver.support.ui import Select
    login(browser, "service")
    browser.get(f"{BASE}/shipping?stage=transit")
    row = browser.find_element(By.CSS_SELECTOR, "#shipments tbody tr[data-shipment]")
    shipment = row.get_attribute("data-shipment")
    order_url = row.find_elements(By.CSS_SELECTOR, "td a")[1].get_attribute("href")
    browser.get(order_url)
    click_and_wait(browser, browser.find_element(By.ID, "raise-exception"))
    Select(browser.find_element(By.ID, "kind")).select_by_value("lost")
    Select(browser.find_element(By.ID, "shipment")).select_by_visible_text(browser.find_element(
        By.XPATH, f"//select[@id='shipment']/option[starts-with(., '{shipment}')]").text)
    browser.find_element(By.ID, "description").send_keys("揽收后三天无物流更新，快递员确认丢件")
    shot(browser, "exception-raise-zh", full=True)
    submit(browser, "raise")
    assert "异常已登记" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "exception-status").text == "处理中"
    facts = browser.find_element(By.ID, "exception-facts").text
    assert "丢件" in facts and "高" in facts and shipment in facts, facts

    owner = browser.find_element(By.ID, "owner")
    owner.clear()
    owner.send_keys("客服 王敏")
    submit(browser, "assign")
    assert "客服 王敏" in browser.find_element(By.ID, "exception-facts").text
    browser.find_element(By.ID, "summary").send_keys("电话告知客户包裹丢失，今天补发")
    submit(browser, "add-contact")
    assert "电话告知客户" in browser.find_element(By.ID, "contacts").text

    # A claim of nothing is refused in words; then one of ¥120.00 with its document.
    browser.find_element(By.ID, "claim-amount").send_keys("0")
    browser.find_element(By.ID, "claim-reference").send_keys("CL-88")
    submit(browser, "file-claim")
    error = browser.find_element(By.ID, "exception-error").text
    assert "金额" in error and "amount" not in error, error
    assert browser.find_element(By.ID, "claim-reference").get_attribute("value") == "CL-88", "what was typed is kept"
    amount = browser.find_element(By.ID, "claim-amount")
    amount.clear()
    amount.send_keys("120.00")
    submit(browser, "file-claim")
    claims = browser.find_element(By.ID, "claims").text
    assert "¥120.00" in claims and "已提出" in claims and "承运商" in claims, claims
    upload = browser.find_element(By.CSS_SELECTOR, "#claims input[type=file]")
    proof = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / "理赔单.pdf"
    proof.write_bytes(b"%PDF-1.4\n%claim\n")
    upload.send_keys(str(proof))
    click_and_wait(browser, upload.find_element(By.XPATH, "./following-sibling::button"))
    assert "材料已上传" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.CSS_SELECTOR, "a.claim-document").text == "理赔单.pdf"

    # Resolving without a note is refused; sending again makes a new shipment; then it resolves.
    browser.execute_script("document.getElementById('resolve-form').noValidate = true")
    Select(browser.find_element(By.ID, "resolution")).select_by_value("explained")
    submit(browser, "resolve")
    assert "备注" in browser.find_element(By.ID, "exception-error").text
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f".reship-form[data-shipment='{shipment}'] button"))
    notice = browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert "已补发" in notice or "到货后自动" in notice, notice
    assert "已丢失" in browser.find_element(By.ID, "exception-facts").text
    shot(browser, "exception-zh", full=True)
    Select(browser.find_element(By.ID, "resolution")).select_by_value("reshipped")
    browser.find_element(By.ID, "resolve-note").send_keys("已补发，客户同意")
    submit(browser, "resolve")
    assert "已结案" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert browser.find_element(By.ID, "exception-status").text == "已处理"
    assert not browser.find_elements(By.ID, "resolve-form")
    exception_url = browser.current_url.split("?")[0]
    try:
        browser.set_window_size(390, 844)
        browser.get(exception_url)
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= 391, f"the exception page is {scroll}px wide on a 390 px phone"
        shot(browser, "exception-zh-phone", full=True)
    finally:
        browser.set_window_size(1280, 900)
    submit(browser, "switch-language")
    assert browser.find_element(By.ID, "exception-status").text == "resolved"
    shot(browser, "exception-en", full=True)
    submit(browser, "switch-language")
    browser.get(order_url)
    panel = browser.find_element(By.ID, "exceptions-panel").text
    assert "丢件" in panel and "已处理" in panel and "补发" in panel, panel
    assert "已丢失" in browser.find_element(By.ID, "order-shipments").text
    logout(browser)
