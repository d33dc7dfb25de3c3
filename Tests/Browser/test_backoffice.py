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


def shot(driver, name):
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


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
        "addresses-0-street": "人民路 88 号", "addresses-0-postcode": "215000", "creditLimit": "80000",
        "paymentTermsDays": "30",
    }
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
    submit(browser, "save")
    assert "已保存" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
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


def test_sales_reviews_an_order_from_the_queue(browser):
    login(browser, "sales")
    queue = browser.find_element(By.CSS_SELECTOR, "section.queue[data-role='sales']")
    links = queue.find_elements(By.CSS_SELECTOR, "p.queue-item a")
    assert links, "the demo data leaves orders waiting in the sales review"
    number = links[0].text
    links[0].click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "page-title").text.startswith(number))
    assert browser.find_element(By.ID, "order-status").get_attribute("data-status") == "review_sales"
    submit(browser, "review-pass")
    assert browser.find_element(By.ID, "order-status").get_attribute("data-status") == "review_finance"
    assert "审核通过" in browser.find_element(By.ID, "timeline").text
    shot(browser, "order-reviewed")
    logout(browser)


@pytest.mark.parametrize("path", [
    "/orders", "/customers", "/customers/new", "/products", "/products/new", "/stock", "/stock/receive",
    "/warehouses", "/warehouses/new", "/warehouses/1/locations", "/suppliers", "/suppliers/new", "/carriers",
    "/carriers/new", "/carriers/1", "/admin/users", "/admin/users/new", "/account/tokens",
])
def test_every_page_renders_for_the_admin(browser, path):
    if not browser.get_cookie("docket_session"):
        login(browser, "admin")
    browser.get(f"{BASE}{path}")
    title = browser.find_element(By.ID, "page-title").text
    assert title and not title[:3].isdigit(), f"{path} rendered an error page: {title}"
    assert not browser.find_elements(By.CSS_SELECTOR, ".error-page")
    shot(browser, "page" + path.replace("/", "-"))
