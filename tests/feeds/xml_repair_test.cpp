// The tag balancer behind the recovered flag.
#include "feeds/xml_repair.hpp"

#include <gtest/gtest.h>

using namespace newsalert::feeds;

TEST(XmlRepair, ClosesElementsLeftOpenInsideAClosedOne) {
  EXPECT_EQ(balance_tags("<d><p>one<b>two</d>"), "<d><p>one<b>two</b></p></d>");
}

TEST(XmlRepair, DropsEndTagsThatCloseNothing) {
  EXPECT_EQ(balance_tags("<d>a</i>b</d>"), "<d>ab</d>");
}

TEST(XmlRepair, MakesHtmlVoidElementsEmptyAndQuotesAttributes) {
  EXPECT_EQ(balance_tags("<d>a<br>b<img src=x.png alt>c</d>"), "<d>a<br/>b<img src=\"x.png\" alt=\"alt\"/>c</d>");
}

TEST(XmlRepair, EscapesStrayAmpersandsAndAngleBrackets) {
  EXPECT_EQ(balance_tags("<d>AT&T &amp; 1 < 2 &nbsp;</d>"), "<d>AT&amp;T &amp; 1 &lt; 2 &nbsp;</d>");
}

TEST(XmlRepair, LeavesCdataCommentsAndElementsOpenAtTheEndAlone) {
  EXPECT_EQ(balance_tags("<?xml version=\"1.0\"?><r><!-- </r> --><![CDATA[</r>]]><i>cut"),
            "<?xml version=\"1.0\"?><r><!-- </r> --><![CDATA[</r>]]><i>cut");
}
